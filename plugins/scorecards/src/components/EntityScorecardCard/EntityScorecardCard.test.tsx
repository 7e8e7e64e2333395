import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { alertApiRef } from '@backstage/core-plugin-api';
import { NotAllowedError, ResponseError } from '@backstage/errors';
import { mockApi, result } from '../../__testUtils__/fixtures';
import { EntityScorecardCard } from './EntityScorecardCard';

const entity = {
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name: 'merchant-risk-scorer', namespace: 'default' },
  spec: {},
};

const alertApi = { post: jest.fn(), alert$: jest.fn() };

const render = (api = mockApi()) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [scorecardsApiRef, api],
        [alertApiRef, alertApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityScorecardCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
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
    // Every check applies: no count of those that don't.
    expect(screen.queryByText(/don't apply|doesn't apply/)).toBeNull();
  });

  it('links the entities that cause a failure after the message', async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [
            {
              ...result,
              checks: [
                {
                  checkId: 'upstream-not-deprecated',
                  status: 'fail' as const,
                  message:
                    'dataset:default/card-transactions-2019 is deprecated (trainedOn dataset:default/card-transactions-2019)',
                  causes: [
                    'dataset:default/card-transactions-2019',
                    'pipeline:default/fraud.labeling',
                  ],
                },
              ],
            },
          ],
          exemptions: [],
        }),
      }),
    );
    const causes = await screen.findByTestId('causes-upstream-not-deprecated');
    expect(
      within(causes).getByRole('link', { name: /card-transactions-2019/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/card-transactions-2019',
    );
    expect(
      within(causes).getByRole('link', { name: /fraud\.labeling/ }),
    ).toHaveAttribute('href', '/catalog/default/pipeline/fraud.labeling');
    expect(
      within(screen.getByTestId('check-upstream-not-deprecated')).getByText(
        /is deprecated \(trainedOn dataset:default\/card-transactions-2019\)$/,
      ),
    ).toBeInTheDocument();
  });

  it("collapses the checks that don't apply behind their count", async () => {
    const na = Array.from({ length: 12 }, (_, i) => ({
      checkId: `dataset-check-${i}`,
      status: 'na' as const,
    }));
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [{ ...result, checks: [...na, ...result.checks] }],
          exemptions: [],
        }),
      }),
    );
    const toggle = await screen.findByRole('button', {
      name: "12 checks don't apply",
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByTestId('check-dataset-check-0'),
    ).not.toBeInTheDocument();
    // The checks that apply are listed as before.
    expect(screen.getByTestId('check-model-card-complete')).toBeInTheDocument();
    expect(screen.getByTestId('check-has-description')).toBeInTheDocument();

    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const shown = screen.getByTestId('check-dataset-check-11');
    expect(within(shown).getByTitle('not applicable')).toBeInTheDocument();
    expect(screen.getAllByTestId(/^check-dataset-check-/)).toHaveLength(12);
  });

  it('says "1 check doesn\'t apply" for a single one', async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [
            {
              ...result,
              checks: [
                ...result.checks,
                { checkId: 'dataset-classified', status: 'na' as const },
              ],
            },
          ],
          exemptions: [],
        }),
      }),
    );
    expect(
      await screen.findByRole('button', { name: "1 check doesn't apply" }),
    ).toBeInTheDocument();
  });

  it('shows a check whose facts were unavailable as unknown, not as a failure', async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [
            {
              ...result,
              checks: [
                ...result.checks,
                {
                  checkId: 'model-production-alias',
                  status: 'unknown' as const,
                  message: 'facts from mlflow were unavailable: MLflow down',
                },
              ],
            },
          ],
          exemptions: [],
        }),
      }),
    );
    const unknown = await screen.findByTestId('check-model-production-alias');
    expect(within(unknown).getByTitle('unknown')).toBeInTheDocument();
    expect(within(unknown).getByText('Unknown')).toBeInTheDocument();
    expect(
      within(unknown).getByText(
        /facts from mlflow were unavailable: MLflow down/,
      ),
    ).toBeInTheDocument();
    expect(within(unknown).queryByTitle('fail')).not.toBeInTheDocument();
    expect(within(unknown).queryByText(/How to fix/)).not.toBeInTheDocument();
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

  it("colours the level by its position in the scorecard's levels, whatever its name", async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [
            { ...result, scorecardId: 'service "readiness" \\ 2', level: 'L2' },
          ],
          exemptions: [],
        }),
      }),
    );
    expect(await screen.findByText('ML service readiness')).toBeInTheDocument();
    // L2 is the second level: silver.
    expect(screen.getByText('L2').closest('.MuiChip-root')).toHaveStyle({
      backgroundColor: 'rgb(142, 154, 166)',
    });
  });

  it.each([
    ['a NotAllowedError', async () => new NotAllowedError('You may not')],
    [
      "a ResponseError from the server's NotAllowedError",
      () =>
        ResponseError.fromResponse({
          status: 403,
          statusText: 'Forbidden',
          ok: false,
          url: 'http://localhost/api/scorecards/entities/model/default/x/refresh',
          headers: new Headers({ 'content-type': 'application/json' }),
          text: async () =>
            JSON.stringify({
              error: { name: 'NotAllowedError', message: 'You may not' },
              response: { statusCode: 403 },
            }),
        } as unknown as Response),
    ],
  ])(
    'says the person may not re-evaluate when the backend refuses with %s',
    async (_, error) => {
      alertApi.post.mockClear();
      const refused = await error();
      await render(
        mockApi({
          refreshEntity: async () => {
            throw refused;
          },
        }),
      );
      fireEvent.click(
        await screen.findByRole('button', { name: 'Re-evaluate' }),
      );
      await waitFor(() =>
        expect(alertApi.post).toHaveBeenCalledWith(
          expect.objectContaining({
            message:
              'Could not re-evaluate: you are not allowed to re-evaluate this entity',
            severity: 'error',
          }),
        ),
      );
    },
  );
});
