import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { scorecardsApiRef } from '../../api';
import { LevelChip, percent } from '../LevelChip';

/** A team's scorecards at a glance, sub-teams included. */
export const GroupScorecardCard = () => {
  const { entity } = useEntity();
  const api = useApi(scorecardsApiRef);
  const ref = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(async () => {
    const [summary, definitions] = await Promise.all([
      api.getSummary({ owner: ref, days: 1 }),
      api.getDefinitions(),
    ]);
    return { summary, definitions };
  }, [api, ref]);
  if (loading) {
    return (
      <InfoCard title="Scorecards">
        <Progress />
      </InfoCard>
    );
  }
  if (error)
    return (
      <ResponseErrorPanel error={error} title="Could not load scorecards" />
    );
  const { summary, definitions } = value!;
  if (summary.summaries.length === 0) {
    return (
      <InfoCard title="Scorecards">
        <EmptyState
          missing="data"
          title="Nothing graded"
          description="This team and its sub-teams own no graded assets yet."
        />
      </InfoCard>
    );
  }
  const checkTitle = (id: string) =>
    definitions.checks.find(c => c.id === id)?.title ?? id;
  return (
    <InfoCard
      title="Scorecards"
      subheader="This team and its sub-teams"
      deepLink={{ title: 'All teams', link: '/scorecards' }}
    >
      {summary.summaries.map(s => (
        <div key={s.scorecardId} style={{ marginBottom: 16 }}>
          <Typography variant="subtitle1">
            {definitions.scorecards.find(d => d.id === s.scorecardId)?.title ??
              s.scorecardId}
            : {percent(s.score)} over {s.entities}{' '}
            {s.entities === 1 ? 'asset' : 'assets'}
          </Typography>
          <div style={{ display: 'flex', gap: 8, margin: '4px 0' }}>
            {Object.entries(s.levels).map(([level, n]) => (
              <span key={level}>
                <LevelChip level={level === 'none' ? null : level} /> × {n}
              </span>
            ))}
          </div>
          {s.topFailingChecks.length > 0 && (
            <Typography variant="body2" color="textSecondary">
              Fix next:{' '}
              {s.topFailingChecks
                .slice(0, 3)
                .map(c => `${checkTitle(c.checkId)} (${c.failing})`)
                .join(', ')}
            </Typography>
          )}
        </div>
      ))}
    </InfoCard>
  );
};
