import { useState } from 'react';
import {
  Content,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  EntityScorecardResult,
  ScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '../../api';
import { LevelChip, percent } from '../LevelChip';

type TeamRow = {
  /** 1 for the best score. */
  rank?: number;
  ref: string;
  title: string;
  summary?: ScorecardSummary;
  entities: number;
  score: number;
};

const LEVELS = ['Gold', 'Silver', 'Bronze', 'none'];
const levelText = (s?: ScorecardSummary) =>
  s
    ? LEVELS.filter(l => s.levels[l])
        .map(l => `${s.levels[l]} ${l === 'none' ? 'no level' : l}`)
        .join(' · ')
    : '';

/** One team: trend over time, most failing checks, and its weakest entities. */
const TeamDetail = ({ teamRef, title }: { teamRef: string; title: string }) => {
  const api = useApi(scorecardsApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [summary, results, definitions] = await Promise.all([
      api.getSummary({ owner: teamRef, days: 90 }),
      api.getResults({ owner: teamRef }),
      api.getDefinitions(),
    ]);
    return { summary, results: results.results, definitions };
  }, [api, teamRef]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { summary, results, definitions } = value!;
  const scorecardTitle = (id: string) =>
    definitions.scorecards.find(s => s.id === id)?.title ?? id;
  const checkTitle = (id: string) =>
    definitions.checks.find(c => c.id === id)?.title ?? id;
  const ids = [...new Set(summary.trend.map(t => t.scorecardId))];
  const days = [...new Set(summary.trend.map(t => t.day))];
  const series = days.map(day => ({
    day,
    ...Object.fromEntries(
      summary.trend
        .filter(t => t.day === day)
        .map(t => [scorecardTitle(t.scorecardId), Math.round(t.score * 100)]),
    ),
  }));
  const columns: TableColumn<EntityScorecardResult>[] = [
    { title: 'Entity', render: r => <EntityRefLink entityRef={r.entityRef} /> },
    { title: 'Scorecard', render: r => scorecardTitle(r.scorecardId) },
    { title: 'Level', render: r => <LevelChip level={r.level} /> },
    { title: 'Score', render: r => percent(r.score) },
    {
      title: 'Failing checks',
      render: r =>
        r.checks
          .filter(c => c.status === 'fail')
          .map(c => checkTitle(c.checkId))
          .join('; '),
    },
  ];
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={7}>
        <InfoCard title={`${title}: trend (90 days)`}>
          {series.length === 0 ? (
            <Typography>No history yet.</Typography>
          ) : (
            <div
              data-testid="trend-chart"
              style={{ width: '100%', height: 260 }}
            >
              <ResponsiveContainer>
                <LineChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="day" />
                  <YAxis domain={[0, 100]} unit="%" />
                  <Tooltip />
                  <Legend />
                  {ids.map((id, i) => (
                    <Line
                      key={id}
                      type="monotone"
                      dataKey={scorecardTitle(id)}
                      stroke={['#1565c0', '#ef6c00', '#2e7d32'][i % 3]}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="What to fix next">
          {summary.summaries.map(s => (
            <div key={s.scorecardId}>
              <Typography variant="subtitle2">
                {scorecardTitle(s.scorecardId)}: {percent(s.score)} (
                {levelText(s)})
              </Typography>
              <ul>
                {s.topFailingChecks.slice(0, 5).map(c => (
                  <li key={c.checkId}>
                    {checkTitle(c.checkId)}: {c.failing} failing
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<EntityScorecardResult>
          title={`${title}: entities, weakest first`}
          columns={columns}
          data={results}
          options={{
            search: false,
            paging: results.length > 20,
            pageSize: 20,
            padding: 'dense',
          }}
        />
      </Grid>
    </Grid>
  );
};

/**
 * The ownership scorecards page: every team ranked by its (sub-teams'
 * included) score, and a drill-down into one team.
 */
export const OwnershipScorecards = () => {
  const api = useApi(scorecardsApiRef);
  const catalogApi = useApi(catalogApiRef);
  const [selected, setSelected] = useState<TeamRow | undefined>();
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata', 'spec.profile'],
    });
    const rows = await Promise.all(
      items.map(async (g): Promise<TeamRow> => {
        const ref = stringifyEntityRef(g);
        const { summaries } = await api.getSummary({ owner: ref, days: 1 });
        const summary =
          summaries.find(s => s.scorecardId === 'ml-production-readiness') ??
          summaries[0];
        return {
          ref,
          title:
            (g.spec as any)?.profile?.displayName ??
            g.metadata.title ??
            g.metadata.name,
          summary,
          entities: summary?.entities ?? 0,
          score: summary?.score ?? 0,
        };
      }),
    );
    return rows
      .filter(r => r.entities > 0)
      .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
      .map((r, i) => ({ ...r, rank: i + 1 }));
  }, [api, catalogApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return (
      <Content>
        <EmptyState
          missing="data"
          title="Nothing graded yet"
          description="Scorecards grade models, datasets, pipelines and the services that serve them; none are in the catalog or the first evaluation has not run."
        />
      </Content>
    );
  }
  const columns: TableColumn<TeamRow>[] = [
    { title: 'Rank', field: 'rank', width: '60px' },
    {
      title: 'Team',
      render: r => (
        <Link component="button" variant="body2" onClick={() => setSelected(r)}>
          {r.title}
        </Link>
      ),
    },
    { title: 'ML production readiness', render: r => percent(r.score) },
    { title: 'Levels', render: r => levelText(r.summary) },
    { title: 'Assets', field: 'entities' },
  ];
  return (
    <Content>
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <Table<TeamRow>
            title="Teams (sub-teams included)"
            columns={columns}
            data={value}
            options={{ search: false, paging: false, padding: 'dense' }}
          />
        </Grid>
        {selected && (
          <Grid item xs={12}>
            <TeamDetail teamRef={selected.ref} title={selected.title} />
          </Grid>
        )}
      </Grid>
    </Content>
  );
};
