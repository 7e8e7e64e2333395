import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  catalogApiRef,
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';
import { mockApi } from '../../__testUtils__/fixtures';
import { OwnershipScorecards } from './OwnershipScorecards';
import { GroupScorecardCard } from '../GroupScorecardCard/GroupScorecardCard';

// The page renders material-table and recharts, which take seconds in jsdom
// on a busy machine; this bounds a hang, it measures nothing.
jest.setTimeout(30_000);

const group = (name: string, displayName: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], profile: { displayName } },
});

const SILVER = 'rgb(142, 154, 166)';
const BRONZE = 'rgb(160, 101, 45)';

const apis = (scorecards: ScorecardsApi = mockApi()) =>
  [
    [scorecardsApiRef, scorecards],
    [
      catalogApiRef,
      catalogApiMock({
        entities: [
          group('product-ml', 'Product ML'),
          group('fraud-ml', 'Fraud ML'),
        ],
      }),
    ],
  ] as const;

const renderPage = (scorecards?: ScorecardsApi) =>
  renderInTestApp(
    <TestApiProvider apis={apis(scorecards) as any}>
      <OwnershipScorecards />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

/** The text of each cell of a row of the teams table. */
const cells = (row: HTMLElement) =>
  Array.from(row.querySelectorAll('td')).map(td => td.textContent);

describe('OwnershipScorecards', () => {
  it('ranks teams by score and drills into one with its trend', async () => {
    await renderPage();
    const teams = await screen.findAllByRole('button', { name: /ML$/ });
    expect(teams.map(t => t.textContent)).toEqual(['Fraud ML', 'Product ML']);
    expect(screen.getByText('80%')).toBeInTheDocument();
    const firstRow = teams[0].closest('tr')!;
    expect(firstRow.querySelector('td')?.textContent).toBe('1');
    fireEvent.click(teams[0]);
    expect(
      await screen.findByText('Fraud ML: trend (90 days)'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('trend-chart')).toBeInTheDocument();
    // Ranked by the entities affected (the backend's order), which say
    // how many are downstream when more than those failing.
    expect(
      screen.getAllByText(/: \d+ failing/).map(li => li.textContent),
    ).toEqual([
      'Model card complete: 2 failing, affects 7',
      'Described: 3 failing',
    ]);
    expect(
      screen.getByRole('link', { name: /merchant-risk-scorer/ }),
    ).toHaveAttribute('href', '/catalog/default/model/merchant-risk-scorer');
  });

  it('reads every team’s summary in one request', async () => {
    const api = mockApi();
    const getSummaries = jest.spyOn(api, 'getSummaries');
    const getSummary = jest.spyOn(api, 'getSummary');
    await renderPage(api);
    await screen.findAllByRole('button', { name: /ML$/ });
    expect(getSummaries).toHaveBeenCalledTimes(1);
    expect(getSummaries.mock.calls[0][0].owners.sort()).toEqual([
      'group:default/fraud-ml',
      'group:default/product-ml',
    ]);
    expect(getSummary).not.toHaveBeenCalled();
  });

  it("ranks by the first scorecard of the definitions, and names levels in the scorecard's order", async () => {
    await renderPage();
    const product = (
      await screen.findByRole('button', { name: 'Product ML' })
    ).closest('tr')!;
    expect(
      screen.getByRole('columnheader', { name: 'ML production readiness' }),
    ).toBeInTheDocument();
    expect(cells(product)).toEqual([
      '2',
      'Product ML',
      '60%',
      '1 Silver · 2 Bronze · 2 no level',
      '5',
    ]);
  });

  it('ranks by whichever scorecard the definitions list first', async () => {
    const api = mockApi();
    const { scorecards, checks } = await api.getDefinitions();
    await renderPage(
      mockApi({
        getDefinitions: async () => ({
          scorecards: [...scorecards].reverse(),
          checks,
        }),
      }),
    );
    expect(
      await screen.findByRole('columnheader', { name: 'ML service readiness' }),
    ).toBeInTheDocument();
    const teams = screen.getAllByRole('button', { name: /ML$/ });
    expect(teams.map(t => t.textContent)).toEqual(['Product ML']);
  });

  it('ranks by another scorecard chosen from the definitions', async () => {
    await renderPage();
    await screen.findAllByRole('button', { name: /ML$/ });
    fireEvent.mouseDown(screen.getByRole('button', { name: /^Scorecard/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'ML service readiness' }),
    );
    expect(
      await screen.findByRole('columnheader', { name: 'ML service readiness' }),
    ).toBeInTheDocument();
    // Only Product ML owns what this scorecard grades.
    const teams = screen.getAllByRole('button', { name: /ML$/ });
    expect(teams.map(t => t.textContent)).toEqual(['Product ML']);
    expect(cells(teams[0].closest('tr')!)).toEqual([
      '1',
      'Product ML',
      '90%',
      '1 L2 · 1 L1',
      '2',
    ]);
  });

  /** Opens Fraud ML's detail and chooses `option` as what its trend shows. */
  const showTrendOf = async (option: string) => {
    fireEvent.click(
      (await screen.findAllByRole('button', { name: 'Fraud ML' }))[0],
    );
    await screen.findByText('Fraud ML: trend (90 days)');
    fireEvent.mouseDown(screen.getByRole('button', { name: /^Trend of/ }));
    fireEvent.click(await screen.findByRole('option', { name: option }));
  };

  it("draws a check's pass rate for the team and the whole catalog when chosen instead of the score", async () => {
    const getCheckTrend = jest.fn(
      async (checkId: string, { scorecardId, owner }: any) => ({
        scorecardId,
        checkId,
        ...(owner && { owners: [owner] }),
        points: owner
          ? [
              { day: '2026-11-01', passRate: 0.25, entities: 4 },
              { day: '2026-11-20', passRate: 0.5, entities: 4 },
            ]
          : [
              { day: '2026-11-01', passRate: 0.5, entities: 10 },
              { day: '2026-11-10', passRate: 0.7, entities: 10 },
            ],
      }),
    );
    await renderPage(mockApi({ getCheckTrend }));
    await screen.findAllByRole('button', { name: /ML$/ });
    fireEvent.click(screen.getAllByRole('button', { name: 'Fraud ML' })[0]);
    await screen.findByText('Fraud ML: trend (90 days)');
    // The scorecard's score by default, as before.
    expect(screen.getByRole('button', { name: /^Trend of/ })).toHaveTextContent(
      'Scorecard score',
    );
    expect(screen.getByTestId('trend-chart')).toBeInTheDocument();
    expect(getCheckTrend).not.toHaveBeenCalled();
    // The checks of the scorecard the teams are ranked by, by title.
    fireEvent.mouseDown(screen.getByRole('button', { name: /^Trend of/ }));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['Scorecard score', 'Described', 'Model card complete']);
    fireEvent.click(
      screen.getByRole('option', { name: 'Model card complete' }),
    );
    expect(
      await screen.findByText(
        'Model card complete, passing or exempt now: Fraud ML 50% of 4 · Whole catalog 70% of 10',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('check-trend-chart')).toBeInTheDocument();
    expect(screen.queryByTestId('trend-chart')).not.toBeInTheDocument();
    expect(getCheckTrend.mock.calls).toEqual([
      [
        'model-card-complete',
        {
          scorecardId: 'ml-production-readiness',
          owner: 'group:default/fraud-ml',
          days: 90,
        },
      ],
      [
        'model-card-complete',
        { scorecardId: 'ml-production-readiness', days: 90 },
      ],
    ]);
    // And back to the score.
    fireEvent.mouseDown(screen.getByRole('button', { name: /^Trend of/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Scorecard score' }),
    );
    expect(await screen.findByTestId('trend-chart')).toBeInTheDocument();
  });

  it('says so when a check has no history', async () => {
    await renderPage();
    await showTrendOf('Described');
    expect(
      await screen.findByText('No history of this check yet.'),
    ).toBeInTheDocument();
  });

  it("shows the error when a check's trend cannot be read", async () => {
    await renderPage(
      mockApi({
        getCheckTrend: async () => {
          throw new Error('scorecardId: scorecard has no such check');
        },
      }),
    );
    await showTrendOf('Model card complete');
    expect(
      await screen.findByText(
        'Error: scorecardId: scorecard has no such check',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('check-trend-chart')).not.toBeInTheDocument();
  });

  it('says so when nothing is graded', async () => {
    await renderPage(
      mockApi({
        getSummaries: async ({ owners }) => ({
          items: owners.map(owner => ({ owner, summaries: [], trend: [] })),
        }),
      }),
    );
    expect(await screen.findByText('Nothing graded yet')).toBeInTheDocument();
  });
});

describe('GroupScorecardCard', () => {
  const renderCard = (name: string, title: string) =>
    renderInTestApp(
      <TestApiProvider apis={apis() as any}>
        <EntityProvider entity={group(name, title)}>
          <GroupScorecardCard />
        </EntityProvider>
      </TestApiProvider>,
    );

  it("summarizes a team's levels and what to fix next", async () => {
    await renderCard('fraud-ml', 'Fraud ML');
    expect(
      await screen.findByText('ML production readiness: 80% over 3 assets'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Fix next: Model card complete (2 failing, affects 7), Described (3)',
      ),
    ).toBeInTheDocument();
  });

  it("shows each scorecard's levels highest first, coloured by their position", async () => {
    await renderCard('product-ml', 'Product ML');
    const production = (
      await screen.findByText('ML production readiness: 60% over 5 assets')
    ).parentElement!;
    const chips = Array.from(
      production.querySelectorAll<HTMLElement>('.MuiChip-root'),
    );
    expect(chips.map(c => c.textContent)).toEqual([
      'Silver',
      'Bronze',
      'No level',
    ]);
    expect(chips[0]).toHaveStyle({ backgroundColor: SILVER });
    expect(chips[1]).toHaveStyle({ backgroundColor: BRONZE });
    // Levels named otherwise are coloured by position too.
    const service = screen.getByText('ML service readiness: 90% over 2 assets')
      .parentElement!;
    expect(
      within(service).getByText('L2').closest('.MuiChip-root'),
    ).toHaveStyle({ backgroundColor: SILVER });
    expect(
      within(service).getByText('L1').closest('.MuiChip-root'),
    ).toHaveStyle({ backgroundColor: BRONZE });
  });
});
