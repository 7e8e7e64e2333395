import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { scorecardsApiRef } from '../../api';
import { mockApi } from '../../__testUtils__/fixtures';
import { EntityScorecardCard } from './EntityScorecardCard';

const entity = {
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name: 'merchant-risk-scorer', namespace: 'default' },
  spec: {},
};

const render = (api = mockApi()) =>
  renderInTestApp(
    <TestApiProvider apis={[[scorecardsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityScorecardCard />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('EntityScorecardCard', () => {
  it('shows the level and each check, with why and how to fix for failures', async () => {
    await render();
    expect(
      await screen.findByText('ML production readiness'),
    ).toBeInTheDocument();
    expect(screen.getByText('Bronze')).toBeInTheDocument();
    expect(screen.getByText('75% of checks pass')).toBeInTheDocument();
    const failing = screen.getByTestId('check-model-card-complete');
    expect(
      within(failing).getByText(
        'Model card complete — missing spec.card.intendedUse',
      ),
    ).toBeInTheDocument();
    expect(
      within(failing).getByText('How to fix: Fill spec.card.'),
    ).toBeInTheDocument();
    expect(within(failing).getByTitle('fail')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('check-has-description')).getByTitle('pass'),
    ).toBeInTheDocument();
  });

  it('says when an entity is not graded yet', async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({ results: [], exemptions: [] }),
      }),
    );
    expect(await screen.findByText('Not graded yet')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await render(
      mockApi({
        getEntityResults: async () => {
          throw new Error('backend down');
        },
      }),
    );
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText(/Could not load scorecards/)).toBeInTheDocument();
  });
});
