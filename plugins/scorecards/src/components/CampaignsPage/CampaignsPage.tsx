import { useState } from 'react';
import {
  Content,
  ContentHeader,
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import useAsync from 'react-use/esm/useAsync';
import {
  CampaignSummary,
  scorecardsCampaignManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  scorecardsApiRef,
  SelectField,
} from '@convergence/backstage-plugin-scorecards-react';
import { campaignRouteRef } from '../../routes';
import { CampaignProgressBar } from './CampaignProgressBar';
import { targetText, timeLeftText } from './campaignText';
import { CreateCampaignDialog } from './CreateCampaignDialog';
import { TABLE_OPTIONS } from '../tableOptions';

type StateFilter = 'open' | 'upcoming' | 'closed' | 'all';

const stateLabels: Record<StateFilter, string> = {
  open: 'Open',
  upcoming: 'Upcoming',
  closed: 'Closed',
  all: 'All',
};

const CampaignsEmptyState = ({ state }: { state: StateFilter }) => (
  <EmptyState
    missing="content"
    title={
      state === 'all'
        ? 'No campaigns yet'
        : `No ${stateLabels[state].toLowerCase()} campaigns`
    }
    description={
      <>
        A campaign is a goal with a deadline, such as "every production model
        reaches Silver by 31 March": it covers the catalog entities a filter
        selects, and shows each team's progress towards a scorecard level or a
        set of checks. People allowed to manage campaigns create them here with
        New campaign; administrators can also define them under{' '}
        <code>scorecards.campaigns</code> in <code>app-config.yaml</code>.
        {state !== 'all' && ' Choose All to see every campaign.'}
      </>
    }
  />
);

/**
 * Every campaign with its progress and time left; people holding
 * `scorecards.campaign.manage` can create one.
 */
export const CampaignsPage = () => {
  const api = useApi(scorecardsApiRef);
  const campaignLink = useRouteRef(campaignRouteRef);
  const [state, setState] = useState<StateFilter>('open');
  const [creating, setCreating] = useState(false);
  const { allowed: canManage } = usePermission({
    permission: scorecardsCampaignManagePermission,
  });
  const { value, loading, error } = useAsync(
    () => api.listCampaigns({ state }),
    [api, state],
  );

  const columns: TableColumn<CampaignSummary>[] = [
    {
      title: 'Campaign',
      field: 'title',
      render: c => (
        <Link to={campaignLink({ campaignId: c.id })}>{c.title}</Link>
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      render: c => <EntityRefLink entityRef={c.owner} defaultKind="group" />,
    },
    { title: 'Target', render: c => targetText(c.target) },
    {
      title: 'Progress',
      render: c => (
        <CampaignProgressBar
          done={c.progress.done}
          total={c.progress.total}
          ungraded={c.progress.ungraded}
          error={c.error}
          testId={`campaign-progress-${c.id}`}
          dense
        />
      ),
    },
    {
      title: 'Deadline',
      field: 'deadline',
      render: c => (
        <span data-testid={`campaign-time-${c.id}`}>{timeLeftText(c)}</span>
      ),
    },
  ];

  return (
    <Content>
      <ContentHeader title="Campaigns">
        <SelectField
          id="campaign-state-filter"
          label="State"
          value={state}
          choices={stateLabels}
          onChange={setState}
          inputProps={{ 'data-testid': 'campaign-state-filter' }}
          style={{ minWidth: 140, marginRight: 16 }}
        />
        {canManage && (
          <Button
            variant="contained"
            color="primary"
            startIcon={<AddIcon />}
            onClick={() => setCreating(true)}
            data-testid="new-campaign-button"
          >
            New campaign
          </Button>
        )}
      </ContentHeader>
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel error={error} title="Could not load campaigns" />
      )}
      {value &&
        (value.items.length === 0 ? (
          <CampaignsEmptyState state={state} />
        ) : (
          <Table<CampaignSummary>
            columns={columns}
            data={value.items}
            options={TABLE_OPTIONS}
            title={
              <Typography variant="h6">
                {stateLabels[state]} campaigns
              </Typography>
            }
          />
        ))}
      {creating && (
        <CreateCampaignDialog open onClose={() => setCreating(false)} />
      )}
    </Content>
  );
};
