import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  formatScorePercent,
  ScorecardLevelChip,
  useScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-react';
import { levelCounts } from '../levels';
import { OpenCampaigns } from './OpenCampaigns';

/** A team's scorecards at a glance, sub-teams included. */
export const GroupScorecardCard = () => {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  const { value, loading, error } = useScorecardSummary({
    owner: ref,
    days: 1,
  });
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
      {summary.summaries.map(s => {
        const scorecard = definitions.scorecards.find(
          d => d.id === s.scorecardId,
        );
        return (
          <div key={s.scorecardId} style={{ marginBottom: 16 }}>
            <Typography variant="subtitle1">
              {scorecard?.title ?? s.scorecardId}: {formatScorePercent(s.score)}{' '}
              over {s.entities} {s.entities === 1 ? 'asset' : 'assets'}
            </Typography>
            <div style={{ display: 'flex', gap: 8, margin: '4px 0' }}>
              {levelCounts(s.levels, scorecard).map(({ level, count }) => (
                <span key={level ?? 'none'}>
                  <ScorecardLevelChip
                    level={level}
                    levels={scorecard?.levels}
                  />{' '}
                  × {count}
                </span>
              ))}
            </div>
            {s.topFailingChecks.length > 0 && (
              <Typography variant="body2" color="textSecondary">
                Fix next:{' '}
                {s.topFailingChecks
                  .slice(0, 3)
                  .map(
                    c =>
                      `${checkTitle(c.checkId)} (${
                        c.affects !== undefined && c.affects > c.failing
                          ? `${c.failing} failing, affects ${c.affects}`
                          : c.failing
                      })`,
                  )
                  .join(', ')}
              </Typography>
            )}
          </div>
        );
      })}
      <OpenCampaigns owner={ref} />
    </InfoCard>
  );
};
