import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  EmptyState,
  InfoCard,
  Link,
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  CampaignDetails,
  CampaignEntity,
  CampaignTeamProgress,
  scorecardsCampaignManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  ActionDialog,
  ScorecardDefinitions,
  ScorecardLevelChip,
  scorecardsApiRef,
} from '@convergence/backstage-plugin-scorecards-react';
import { campaignRouteRef, campaignsRouteRef } from '../../routes';
import { CampaignProgressBar } from '../CampaignsPage/CampaignProgressBar';
import { timeLeftText } from '../CampaignsPage/campaignText';
import { BurnUpChart } from './BurnUpChart';
import { pagedTableOptions, TABLE_OPTIONS } from '../tableOptions';

/** A 404 from the API: a `ResponseError` (statusCode) or a NotFoundError. */
const isNotFound = (error: Error) =>
  error.name === 'NotFoundError' ||
  (error as { statusCode?: number }).statusCode === 404;

const ArchiveButton = ({ id, title }: { id: string; title: string }) => {
  const api = useApi(scorecardsApiRef);
  const navigate = useNavigate();
  const campaignsLink = useRouteRef(campaignsRouteRef);
  const [open, setOpen] = useState(false);
  const archive = async () => {
    await api.archiveCampaign(id);
    navigate(campaignsLink());
  };
  return (
    <>
      <Button
        variant="outlined"
        onClick={() => setOpen(true)}
        data-testid="campaign-archive-button"
      >
        Archive
      </Button>
      <ActionDialog
        open={open}
        title={`Archive "${title}"?`}
        description="The campaign leaves the campaigns list and the team cards. This cannot be undone here."
        action="Archive"
        actionRunning="Archiving…"
        actionColor="secondary"
        onAction={archive}
        onClose={() => setOpen(false)}
        fullWidth={false}
      />
    </>
  );
};

const Fact = ({ label, children }: { label: string; children: any }) => (
  <Grid item xs={12}>
    <Typography variant="overline" color="textSecondary" component="div">
      {label}
    </Typography>
    <Typography variant="body2" component="div">
      {children}
    </Typography>
  </Grid>
);

const CampaignView = ({
  details,
  definitions,
}: {
  details: CampaignDetails;
  definitions: ScorecardDefinitions;
}) => {
  const { campaign, teams, entities, burnUp } = details;
  const campaignsLink = useRouteRef(campaignsRouteRef);
  const { allowed: canManage } = usePermission({
    permission: scorecardsCampaignManagePermission,
  });
  const scorecard = definitions.scorecards.find(
    s => s.id === campaign.scorecardId,
  );
  const check = (id: string) => definitions.checks.find(c => c.id === id);
  const failing = entities.filter(e => !e.done);
  // The backend caps the entity list (500): count from the progress.
  const failingCount = Math.max(
    campaign.progress.total - campaign.progress.done,
    failing.length,
  );
  const failingTitle =
    failing.length < failingCount
      ? `Entities still failing (${failingCount}, showing the first ${failing.length})`
      : `Entities still failing (${failingCount})`;

  const teamColumns: TableColumn<CampaignTeamProgress & { rank: number }>[] = [
    { title: '#', field: 'rank', width: '48px' },
    {
      title: 'Team',
      field: 'owner',
      render: t => <EntityRefLink entityRef={t.owner} defaultKind="group" />,
    },
    {
      title: 'Progress',
      render: t => (
        <CampaignProgressBar
          done={t.done}
          total={t.total}
          testId={`campaign-team-${t.owner}`}
          dense
        />
      ),
    },
  ];
  const entityColumns: TableColumn<CampaignEntity>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      render: e => <EntityRefLink entityRef={e.entityRef} />,
    },
    {
      title: 'Owner',
      field: 'owner',
      render: e =>
        e.owner ? (
          <EntityRefLink entityRef={e.owner} defaultKind="group" />
        ) : (
          ''
        ),
    },
    {
      title: 'Level',
      render: e => (
        <ScorecardLevelChip level={e.level} levels={scorecard?.levels} />
      ),
    },
    {
      title: 'What to fix',
      render: e =>
        e.failingChecks.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            Below the target level (no failing check of it stored yet)
          </Typography>
        ) : (
          <ul
            style={{ margin: 0, paddingLeft: 16 }}
            data-testid={`campaign-failing-${e.entityRef}`}
          >
            {e.failingChecks.map(id => (
              <li key={id}>
                <Typography variant="body2">
                  {check(id)?.title ?? id}
                </Typography>
                {check(id)?.howToFix && (
                  <Typography variant="caption" color="textSecondary">
                    How to fix: {check(id)!.howToFix}
                  </Typography>
                )}
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <Content>
      <ContentHeader title={campaign.title}>
        <Link to={campaignsLink()} style={{ marginRight: 16 }}>
          All campaigns
        </Link>
        {canManage && campaign.source === 'database' && (
          <ArchiveButton id={campaign.id} title={campaign.title} />
        )}
      </ContentHeader>
      <Grid container spacing={3}>
        <Grid item xs={12} md={5}>
          <InfoCard title="About">
            <Grid container spacing={1}>
              {campaign.description && (
                <Grid item xs={12}>
                  <MarkdownContent content={campaign.description} />
                </Grid>
              )}
              <Fact label="Owner">
                <EntityRefLink entityRef={campaign.owner} defaultKind="group" />
              </Fact>
              <Fact label="Target">
                <span data-testid="campaign-target">
                  {'level' in campaign.target ? (
                    <>
                      {scorecard?.title ?? campaign.scorecardId}: reach{' '}
                      <ScorecardLevelChip
                        level={campaign.target.level}
                        levels={scorecard?.levels}
                      />
                    </>
                  ) : (
                    <>
                      {scorecard?.title ?? campaign.scorecardId}: pass{' '}
                      {campaign.target.checks
                        .map(id => check(id)?.title ?? id)
                        .join(', ')}
                    </>
                  )}
                </span>
              </Fact>
              <Fact label="Covers">
                <code>{JSON.stringify(campaign.filter)}</code>
              </Fact>
              <Fact label="Dates">
                {campaign.startsAt.slice(0, 10)} to{' '}
                {campaign.deadline.slice(0, 10)} (
                <span data-testid="campaign-time-left">
                  {timeLeftText(campaign)}
                </span>
                )
              </Fact>
              <Fact label="Source">
                {campaign.source === 'config'
                  ? 'Defined in app-config.yaml (scorecards.campaigns); change it there.'
                  : `Created in the portal${
                      campaign.createdBy ? ` by ${campaign.createdBy}` : ''
                    }${
                      campaign.createdAt
                        ? ` on ${campaign.createdAt.slice(0, 10)}`
                        : ''
                    }.`}
              </Fact>
            </Grid>
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={7}>
          <InfoCard title="Progress">
            <CampaignProgressBar
              done={campaign.progress.done}
              total={campaign.progress.total}
              ungraded={campaign.progress.ungraded}
              error={campaign.error}
            />
            <div style={{ marginTop: 16 }}>
              <BurnUpChart points={burnUp} />
            </div>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <Table<CampaignTeamProgress & { rank: number }>
            title="Teams (sub-teams included)"
            columns={teamColumns}
            data={teams.map((t, i) => ({ ...t, rank: i + 1 }))}
            options={TABLE_OPTIONS}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No graded entity is covered yet.
              </Typography>
            }
          />
        </Grid>
        <Grid item xs={12}>
          <Table<CampaignEntity>
            title={failingTitle}
            columns={entityColumns}
            data={failing}
            options={pagedTableOptions(failing.length, 50)}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                Every covered entity meets the target.
              </Typography>
            }
          />
        </Grid>
      </Grid>
    </Content>
  );
};

/** One campaign: progress, burn-up, teams ranked and what is left to fix. */
export const CampaignPage = () => {
  const api = useApi(scorecardsApiRef);
  const campaignsLink = useRouteRef(campaignsRouteRef);
  const { campaignId } = useRouteRefParams(campaignRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const [details, definitions] = await Promise.all([
      api.getCampaign(campaignId),
      api.getDefinitions(),
    ]);
    return { details, definitions };
  }, [api, campaignId]);
  if (loading) return <Progress />;
  if (error) {
    return (
      <Content>
        {isNotFound(error) ? (
          <EmptyState
            missing="data"
            title={`No campaign "${campaignId}"`}
            description="It may have been archived, or the link is wrong."
            action={<Link to={campaignsLink()}>All campaigns</Link>}
          />
        ) : (
          <ResponseErrorPanel
            error={error}
            title="Could not load the campaign"
          />
        )}
      </Content>
    );
  }
  return <CampaignView {...value!} />;
};
