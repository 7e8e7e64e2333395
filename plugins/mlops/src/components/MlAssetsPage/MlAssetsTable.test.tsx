import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import { estate } from '../../__testUtils__/fixtures';
import { buildQuery, MlAssetsTable } from './MlAssetsTable';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';

// material-table takes seconds to render in jsdom on a busy machine; this
// bounds a hang, it measures nothing.
jest.setTimeout(30_000);

describe('MlAssetsTable', () => {
  it('lists models, datasets and pipelines but not other kinds', async () => {
    await renderWithEntity(<MlAssetsTable />, undefined, estate);
    expect(await screen.findByText('ML assets (6)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Fraud detector' }),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
    expect(screen.queryByText('fraud-scoring-service')).not.toBeInTheDocument();
  });

  it("shows each asset's level in each scorecard, coloured by the level's position, when the scorecards plugin is there", async () => {
    const result = (entityRef: string, scorecardId: string, level: string) => ({
      entityRef,
      scorecardId,
      level,
      score: 1,
      checks: [],
      evaluatedAt: '',
    });
    const scorecards = {
      getDefinitions: async () => ({
        scorecards: [
          {
            id: 'ml "readiness" \\ 2',
            title: 'ML readiness',
            filter: {},
            levels: [
              { name: 'Gold', checks: [] },
              { name: 'Stufe 2', checks: [] },
            ],
          },
          // Grades none of the listed assets: no column.
          {
            id: 'service-readiness',
            title: 'Service readiness',
            filter: {},
            levels: [{ name: 'Bronze', checks: [] }],
          },
          {
            id: 'security',
            title: 'Security',
            filter: {},
            levels: [{ name: 'L1', checks: [] }],
          },
        ],
        checks: [],
      }),
      getResultsByRefs: async (refs: string[]) => ({
        results: refs
          .filter(r => r === 'model:default/fraud-detector')
          .flatMap(entityRef => [
            result(entityRef, 'ml "readiness" \\ 2', 'Stufe 2'),
            result(entityRef, 'security', 'L1'),
          ]),
      }),
    };
    await renderWithEntity(<MlAssetsTable />, undefined, estate, [
      [scorecardsApiRef, scorecards],
    ]);
    const row = (
      await screen.findByRole('link', { name: 'Fraud detector' })
    ).closest('tr')!;
    const level = await within(row).findByText('Stufe 2');
    // The second level of its scorecard: silver, whatever its name.
    expect(level.closest('.MuiChip-root')).toHaveStyle({
      backgroundColor: 'rgb(142, 154, 166)',
    });
    expect(within(row).getByText('L1')).toBeInTheDocument();
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining(['ML readiness', 'Security']),
    );
    expect(headers).not.toContain('Service readiness');
    const other = screen
      .getByRole('link', { name: 'home-recommender' })
      .closest('tr')!;
    expect(within(other).getAllByText('—')).toHaveLength(2);
  });

  it('shows no level columns where the app has no scorecards', async () => {
    await renderWithEntity(<MlAssetsTable />, undefined, estate);
    await screen.findByRole('link', { name: 'Fraud detector' });
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      [
        'Name',
        'Kind',
        'Type',
        'Owner',
        'Lifecycle',
        'Framework',
        'Description',
      ],
    );
  });

  it('filters by owner', async () => {
    await renderWithEntity(<MlAssetsTable />, undefined, estate);
    await screen.findByText('ML assets (6)');
    fireEvent.mouseDown(
      within(screen.getByTestId('filter-owner').parentElement!).getByRole(
        'button',
      ),
    );
    fireEvent.click(
      await screen.findByRole('option', { name: 'group:default/recsys-ml' }),
    );
    await waitFor(() =>
      expect(screen.getByText('ML assets (2)')).toBeInTheDocument(),
    );
    expect(
      screen.getByRole('link', { name: 'home-recommender' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'basket-ranker' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Fraud detector' }),
    ).not.toBeInTheDocument();
  });

  it('builds the server-side catalog query from the chosen filters', () => {
    expect(
      buildQuery({
        kind: '',
        owner: '',
        lifecycle: '',
        type: '',
        framework: '',
      }),
    ).toEqual({
      $all: [{ kind: { $in: ['Model', 'Dataset', 'Pipeline'] } }],
    });
    expect(
      buildQuery({
        kind: 'Model',
        owner: 'group:default/recsys-ml',
        lifecycle: 'production',
        type: '',
        framework: 'pytorch',
      }),
    ).toEqual({
      $all: [
        { kind: 'Model' },
        { 'spec.owner': 'group:default/recsys-ml' },
        { 'spec.lifecycle': 'production' },
        { 'spec.framework': 'pytorch' },
      ],
    });
  });
});
