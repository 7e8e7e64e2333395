import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { renderWithEntity } from '../../__testUtils__/render';
import { estate } from '../../__testUtils__/fixtures';
import { GroupMlAssetsCard } from './GroupMlAssetsCard';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title: name },
  spec: { type: 'team', children: [] },
});

describe('GroupMlAssetsCard', () => {
  it("lists the team's models, datasets and pipelines", async () => {
    await renderWithEntity(<GroupMlAssetsCard />, group('recsys-ml'), estate);
    expect(
      await screen.findByText('2 models · 0 datasets · 0 pipelines'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'home-recommender' }),
    ).toHaveAttribute('href', '/catalog/default/model/home-recommender');
  });

  it('shows an empty state for a team that owns nothing', async () => {
    await renderWithEntity(<GroupMlAssetsCard />, group('legal'), estate);
    expect(
      await screen.findByText('No models, datasets or pipelines'),
    ).toBeInTheDocument();
  });
});
