import { screen, within } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import {
  bareModel,
  fraudDetector,
  fraudTraining,
} from '../../__testUtils__/fixtures';
import { LineageCard } from './LineageCard';

describe('LineageCard', () => {
  it('links a model to its datasets, pipeline and the services that use it', async () => {
    await renderWithEntity(<LineageCard />, fraudDetector);
    const link = (group: string) =>
      within(screen.getByTestId(`lineage-${group}`)).getByRole('link');
    expect(link('Trained on')).toHaveAttribute(
      'href',
      '/catalog/default/dataset/card-transactions-labeled',
    );
    expect(link('Evaluated on')).toHaveAttribute(
      'href',
      '/catalog/default/dataset/fraud-holdout',
    );
    expect(link('Produced by')).toHaveAttribute(
      'href',
      '/catalog/default/pipeline/fraud-training',
    );
    expect(link('Used by')).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-scoring-service',
    );
  });

  it("shows a pipeline's inputs upstream and outputs downstream", async () => {
    await renderWithEntity(<LineageCard />, fraudTraining);
    expect(
      within(screen.getByTestId('lineage-Consumes')).getByRole('link'),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/card-transactions-labeled',
    );
    expect(
      within(screen.getByTestId('lineage-Produces')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
  });

  it('explains how to record lineage when there is none', async () => {
    await renderWithEntity(<LineageCard />, bareModel);
    expect(screen.getByText('No lineage recorded')).toBeInTheDocument();
  });
});
