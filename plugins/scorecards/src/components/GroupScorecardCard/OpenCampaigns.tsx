import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { useCampaignLink } from '../../routes';
import { CampaignProgressBar } from '../CampaignsPage/CampaignProgressBar';
import { timeLeftText } from '../CampaignsPage/campaignText';

/**
 * The open campaigns that cover a team (its sub-teams included), with the
 * team's progress in each; nothing when there are none.
 */
export const OpenCampaigns = ({ owner }: { owner: string }) => {
  const api = useApi(scorecardsApiRef);
  const campaignLink = useCampaignLink();
  const { value, error } = useAsync(
    () => api.listCampaigns({ owner, state: 'open' }),
    [api, owner],
  );
  if (error) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        data-testid="group-campaigns-error"
      >
        Campaigns could not be loaded.
      </Typography>
    );
  }
  if (!value || value.items.length === 0) return null;
  return (
    <div data-testid="group-campaigns">
      <Typography variant="subtitle1">Open campaigns</Typography>
      {value.items.map(c => (
        <div key={c.id} style={{ margin: '4px 0 12px' }}>
          <Typography variant="body2">
            {campaignLink ? (
              <Link to={campaignLink(c.id)}>{c.title}</Link>
            ) : (
              c.title
            )}{' '}
            <Typography variant="caption" color="textSecondary">
              ({timeLeftText(c)})
            </Typography>
          </Typography>
          <CampaignProgressBar
            done={c.progress.done}
            total={c.progress.total}
            ungraded={c.progress.ungraded}
            error={c.error}
            testId={`group-campaign-${c.id}`}
            dense
          />
        </div>
      ))}
    </div>
  );
};
