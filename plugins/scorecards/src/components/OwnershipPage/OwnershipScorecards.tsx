import { useMemo, useState } from 'react';
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
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { Line } from 'recharts';
import {
  CheckTrendPoint,
  EntityScorecardResult,
  ScorecardDefinition,
  ScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  formatScorePercent,
  ScorecardLevelChip,
  scorecardsApiRef,
  useScorecardResults,
  useScorecardSummaries,
  useScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-react';
import { DayChart } from '../DayChart';
import { levelCountsText } from '../levels';
import { pagedTableOptions, TABLE_OPTIONS } from '../tableOptions';

/** A team the page lists. */
type Team = { ref: string; title: string };

type TeamRow = Team & {
  /** 1 for the best score. */
  rank?: number;
  summary?: ScorecardSummary;
  entities: number;
  score: number;
};

/** The days of trend the team detail shows. */
const TREND_DAYS = 90;

/** The "Trend of" choice that draws the scorecards' scores (no check id can be it). */
const SCORE = '\u0000score';

/** Each day of either series, with each one's last point then (carried forward). */
function mergeTrends(
  series: Array<{ name: string; points: CheckTrendPoint[] }>,
) {
  const days = [
    ...new Set(series.flatMap(s => s.points.map(p => p.day))),
  ].sort();
  const next = series.map(() => 0);
  const last: Array<CheckTrendPoint | undefined> = series.map(() => undefined);
  return days.map(day => {
    const row: Record<string, string | number> = { day };
    series.forEach((s, i) => {
      while (next[i] < s.points.length && s.points[next[i]].day <= day)
        last[i] = s.points[next[i]++];
      if (last[i]) row[s.name] = Math.round(last[i]!.passRate * 100);
    });
    return row;
  });
}

/**
 * One check's pass rate over time: the team's (its sub-teams included) and
 * the whole catalog's (what the reader may read of it).
 */
const CheckTrendChart = (props: {
  teamRef: string;
  title: string;
  scorecardId: string;
  checkId: string;
  checkTitle: string;
}) => {
  const { teamRef, title, scorecardId, checkId, checkTitle } = props;
  const api = useApi(scorecardsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      Promise.all([
        api.getCheckTrend(checkId, {
          scorecardId,
          owner: teamRef,
          days: TREND_DAYS,
        }),
        api.getCheckTrend(checkId, { scorecardId, days: TREND_DAYS }),
      ]),
    [api, teamRef, scorecardId, checkId],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const [team, catalog] = value!;
  const series = [
    { name: title, points: team.points },
    { name: 'Whole catalog', points: catalog.points },
  ];
  if (series.every(s => s.points.length === 0))
    return <Typography>No history of this check yet.</Typography>;
  const latest = series
    .filter(s => s.points.length)
    .map(s => {
      const p = s.points[s.points.length - 1];
      return `${s.name} ${Math.round(p.passRate * 100)}% of ${p.entities}`;
    })
    .join(' · ');
  return (
    <>
      <Typography variant="body2">
        {checkTitle}, passing or exempt now: {latest}
      </Typography>
      <DayChart
        testId="check-trend-chart"
        height={240}
        data={mergeTrends(series)}
        percent
        tooltipFormatter={v => `${v}%`}
      >
        {series.map((s, i) => (
          <Line
            key={s.name}
            type="stepAfter"
            dataKey={s.name}
            stroke={['#1565c0', '#757575'][i]}
            strokeDasharray={i ? '5 5' : undefined}
          />
        ))}
      </DayChart>
    </>
  );
};

/** One team: trend over time, most failing checks, and its weakest entities. */
const TeamDetail = ({
  teamRef,
  title,
  scorecardId,
}: {
  teamRef: string;
  title: string;
  /** The scorecard whose checks the trend may show (the one teams are ranked by). */
  scorecardId?: string;
}) => {
  const [trendOf, setTrendOf] = useState(SCORE);
  const summaryState = useScorecardSummary({ owner: teamRef, days: 90 });
  const resultsState = useScorecardResults({ owner: teamRef });
  if (summaryState.loading || resultsState.loading) return <Progress />;
  const error = summaryState.error ?? resultsState.error;
  if (error) return <ResponseErrorPanel error={error} />;
  const { summary, definitions } = summaryState.value!;
  const { results } = resultsState.value!;
  const scorecard = (id: string) =>
    definitions.scorecards.find(s => s.id === id);
  const scorecardTitle = (id: string) => scorecard(id)?.title ?? id;
  const checkTitle = (id: string) =>
    definitions.checks.find(c => c.id === id)?.title ?? id;
  const trendScorecard = scorecardId ? scorecard(scorecardId) : undefined;
  const trendChecks = [
    ...new Set(trendScorecard?.levels.flatMap(l => l.checks) ?? []),
  ];
  // A check of another scorecard (chosen before the ranking changed) no longer shows.
  const trendCheck = trendChecks.includes(trendOf) ? trendOf : undefined;
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
    {
      title: 'Level',
      render: r => (
        <ScorecardLevelChip
          level={r.level}
          levels={scorecard(r.scorecardId)?.levels}
        />
      ),
    },
    { title: 'Score', render: r => formatScorePercent(r.score) },
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
          {trendScorecard && trendChecks.length > 0 && (
            <TextField
              select
              label="Trend of"
              id="ownership-trend-of"
              value={trendCheck ?? SCORE}
              onChange={e => setTrendOf(e.target.value)}
              style={{ minWidth: 280, marginBottom: 8 }}
            >
              <MenuItem value={SCORE}>Scorecard score</MenuItem>
              {trendChecks.map(id => (
                <MenuItem key={id} value={id}>
                  {checkTitle(id)}
                </MenuItem>
              ))}
            </TextField>
          )}
          {trendScorecard && trendCheck && (
            <CheckTrendChart
              teamRef={teamRef}
              title={title}
              scorecardId={trendScorecard.id}
              checkId={trendCheck}
              checkTitle={checkTitle(trendCheck)}
            />
          )}
          {!trendCheck &&
            (series.length === 0 ? (
              <Typography>No history yet.</Typography>
            ) : (
              <DayChart testId="trend-chart" height={260} data={series} percent>
                {ids.map((id, i) => (
                  <Line
                    key={id}
                    type="monotone"
                    dataKey={scorecardTitle(id)}
                    stroke={['#1565c0', '#ef6c00', '#2e7d32'][i % 3]}
                  />
                ))}
              </DayChart>
            ))}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="What to fix next">
          {summary.summaries.map(s => (
            <div key={s.scorecardId}>
              <Typography variant="subtitle2">
                {scorecardTitle(s.scorecardId)}: {formatScorePercent(s.score)} (
                {levelCountsText(s.levels, scorecard(s.scorecardId))})
              </Typography>
              <ul>
                {s.topFailingChecks.slice(0, 5).map(c => (
                  <li key={c.checkId}>
                    {checkTitle(c.checkId)}: {c.failing} failing
                    {c.affects !== undefined && c.affects > c.failing
                      ? `, affects ${c.affects}`
                      : ''}
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
          options={pagedTableOptions(results.length, 20)}
        />
      </Grid>
    </Grid>
  );
};

/**
 * The teams ranked by one scorecard's score (sub-teams included), their
 * summaries read in one request; the scorecard is chosen from the
 * definitions, the first by default.
 */
const TeamsTable = ({ teams }: { teams: Team[] }) => {
  const owners = useMemo(() => teams.map(t => t.ref), [teams]);
  const { value, loading, error } = useScorecardSummaries(owners, { days: 1 });
  const [scorecardId, setScorecardId] = useState<string | undefined>();
  const [selected, setSelected] = useState<TeamRow | undefined>();
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { items, definitions } = value!;
  const graded = items.some(i => i.summaries.some(s => s.entities > 0));
  const scorecard: ScorecardDefinition | undefined =
    definitions.scorecards.find(s => s.id === scorecardId) ??
    definitions.scorecards[0];
  if (!graded || !scorecard) {
    return (
      <EmptyState
        missing="data"
        title="Nothing graded yet"
        description="Scorecards grade models, datasets, pipelines and the services that serve them; none are in the catalog or the first evaluation has not run."
      />
    );
  }
  // One item per requested owner, in the order asked.
  const rows: TeamRow[] = teams
    .map((team, i) => {
      const summary = items[i]?.summaries.find(
        s => s.scorecardId === scorecard.id,
      );
      return {
        ...team,
        summary,
        entities: summary?.entities ?? 0,
        score: summary?.score ?? 0,
      };
    })
    .filter(r => r.entities > 0)
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
    .map((r, i) => ({ ...r, rank: i + 1 }));
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
    { title: scorecard.title, render: r => formatScorePercent(r.score) },
    {
      title: 'Levels',
      render: r =>
        r.summary ? levelCountsText(r.summary.levels, scorecard) : '',
    },
    { title: 'Assets', field: 'entities' },
  ];
  return (
    <Grid container spacing={2}>
      {definitions.scorecards.length > 1 && (
        <Grid item xs={12} md={4}>
          <TextField
            select
            fullWidth
            label="Scorecard"
            id="ownership-scorecard"
            value={scorecard.id}
            onChange={e => setScorecardId(e.target.value)}
          >
            {definitions.scorecards.map(s => (
              <MenuItem key={s.id} value={s.id}>
                {s.title}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
      )}
      <Grid item xs={12}>
        <Table<TeamRow>
          title="Teams (sub-teams included)"
          columns={columns}
          data={rows}
          options={TABLE_OPTIONS}
          emptyContent={
            <Typography style={{ padding: 16 }}>
              No team owns assets that {scorecard.title} grades.
            </Typography>
          }
        />
      </Grid>
      {selected && (
        <Grid item xs={12}>
          <TeamDetail
            teamRef={selected.ref}
            title={selected.title}
            scorecardId={scorecard.id}
          />
        </Grid>
      )}
    </Grid>
  );
};

/**
 * The ownership scorecards page: every team ranked by its (sub-teams'
 * included) score, and a drill-down into one team.
 */
export const OwnershipScorecards = () => {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async (): Promise<Team[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata', 'spec.profile'],
    });
    return items.map(g => ({
      ref: stringifyEntityRef(g),
      title:
        (g.spec as any)?.profile?.displayName ??
        g.metadata.title ??
        g.metadata.name,
    }));
  }, [catalogApi]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Content>
      <TeamsTable teams={value!} />
    </Content>
  );
};
