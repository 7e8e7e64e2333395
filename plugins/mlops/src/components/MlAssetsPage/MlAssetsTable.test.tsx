import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import { estate } from '../../__testUtils__/fixtures';
import { buildQuery, MlAssetsTable } from './MlAssetsTable';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards';

describe('MlAssetsTable', () => {
  it('lists models, datasets and pipelines but not other kinds', async () => {
    await renderWithEntity(<MlAssetsTable />, undefined, estate);
    expect(await screen.findByText('ML assets (6)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Fraud detector' }),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
    expect(screen.queryByText('fraud-scoring-service')).not.toBeInTheDocument();
  });

  it("shows each asset's scorecard level when the scorecards plugin is there", async () => {
    const scorecards = {
      getResultsByRefs: async (refs: string[]) => ({
        results: refs
          .filter(r => r === 'model:default/fraud-detector')
          .map(entityRef => ({
            entityRef,
            scorecardId: 'ml-production-readiness',
            level: 'Gold',
            score: 1,
            checks: [],
            evaluatedAt: '',
          })),
      }),
    };
    await renderWithEntity(<MlAssetsTable />, undefined, estate, [
      [scorecardsApiRef, scorecards],
    ]);
    const row = (
      await screen.findByRole('link', { name: 'Fraud detector' })
    ).closest('tr')!;
    expect(await within(row).findByText('Gold')).toBeInTheDocument();
    const other = screen
      .getByRole('link', { name: 'home-recommender' })
      .closest('tr')!;
    expect(within(other).getByText('—')).toBeInTheDocument();
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
