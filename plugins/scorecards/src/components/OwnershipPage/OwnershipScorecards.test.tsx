import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  catalogApiRef,
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { scorecardsApiRef } from '../../api';
import { mockApi } from '../../__testUtils__/fixtures';
import { OwnershipScorecards } from './OwnershipScorecards';
import { GroupScorecardCard } from '../GroupScorecardCard/GroupScorecardCard';

const group = (name: string, displayName: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], profile: { displayName } },
});

const apis = [
  [scorecardsApiRef, mockApi()],
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

describe('OwnershipScorecards', () => {
  it('ranks teams by score and drills into one with its trend', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis as any}>
        <OwnershipScorecards />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
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
    expect(
      screen.getByText('Model card complete: 2 failing'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /merchant-risk-scorer/ }),
    ).toHaveAttribute('href', '/catalog/default/model/merchant-risk-scorer');
  });
});

describe('GroupScorecardCard', () => {
  it("summarizes a team's levels and what to fix next", async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis as any}>
        <EntityProvider entity={group('fraud-ml', 'Fraud ML')}>
          <GroupScorecardCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('ML production readiness: 80% over 3 assets'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Fix next: Model card complete (2)'),
    ).toBeInTheDocument();
  });
});
