import { screen } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import { fraudTraining, manualPipeline } from '../../__testUtils__/fixtures';
import { PipelineOverviewCard } from './PipelineOverviewCard';

describe('PipelineOverviewCard', () => {
  it('shows orchestrator, a readable schedule and the last run', async () => {
    await renderWithEntity(<PipelineOverviewCard />, fraudTraining);
    expect(screen.getByText('kubeflow')).toBeInTheDocument();
    expect(
      screen.getByText('At 03:00 AM, only on Monday (0 3 * * 1)'),
    ).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.getByText('1 hr, 12 min, 55 sec')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /open in kubeflow/ }),
    ).toHaveAttribute('href', 'https://kubeflow.example/runs/5d2f');
  });

  it('says when a pipeline has no schedule and no run', async () => {
    await renderWithEntity(<PipelineOverviewCard />, manualPipeline);
    expect(
      screen.getByText('not scheduled (runs on demand)'),
    ).toBeInTheDocument();
    expect(screen.getByText('no run recorded')).toBeInTheDocument();
  });
});
