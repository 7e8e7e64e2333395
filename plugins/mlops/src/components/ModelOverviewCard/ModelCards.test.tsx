import { screen, within } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import { bareModel, fraudDetector } from '../../__testUtils__/fixtures';
import { ModelOverviewCard } from './ModelOverviewCard';
import { ModelVersionsCard } from '../ModelVersionsCard/ModelVersionsCard';
import { ModelCardCard } from '../ModelCardCard/ModelCardCard';

describe('ModelOverviewCard', () => {
  it('shows what the model is, who owns it and its production version', async () => {
    await renderWithEntity(<ModelOverviewCard />, fraudDetector);
    expect(screen.getByText('xgboost')).toBeInTheDocument();
    expect(screen.getByText('payment-fraud')).toBeInTheDocument();
    expect(screen.getByText('proprietary')).toBeInTheDocument();
    expect(screen.getByText('7 (champion)')).toBeInTheDocument();
    expect(screen.getByText('auc 0.947 · recall 0.73')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /fraud-ml/ })).toHaveAttribute(
      'href',
      '/catalog/default/group/fraud-ml',
    );
    expect(
      screen.getByRole('link', { name: /fraud-detection/ }),
    ).toHaveAttribute('href', '/catalog/default/system/fraud-detection');
  });

  it('says what is missing on a bare model', async () => {
    await renderWithEntity(<ModelOverviewCard />, bareModel);
    expect(screen.getByText('not declared')).toBeInTheDocument();
    expect(screen.getByText('none')).toBeInTheDocument();
  });
});

describe('ModelVersionsCard', () => {
  it('lists every version with aliases, status and metrics', async () => {
    await renderWithEntity(<ModelVersionsCard />, fraudDetector);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('7')).toBeInTheDocument();
    expect(within(rows[0]).getByText('champion')).toBeInTheDocument();
    expect(within(rows[0]).getByText('READY')).toBeInTheDocument();
    expect(within(rows[0]).getByText('auc 0.947')).toBeInTheDocument();
    expect(within(rows[1]).getByText('previous')).toBeInTheDocument();
  });

  it('links versions to the MLflow registry and shows run params', async () => {
    await renderWithEntity(<ModelVersionsCard />, {
      ...fraudDetector,
      metadata: {
        ...fraudDetector.metadata,
        annotations: {
          'mlflow.org/registered-model': 'fraud-detector',
          'mlflow.org/url': 'https://mlflow.acme.test/#/models/fraud-detector',
        },
      },
      spec: {
        ...fraudDetector.spec,
        versions: [
          {
            version: '7',
            metrics: { auc: 0.947 },
            params: { max_depth: '6', learning_rate: '0.1' },
          },
        ],
      },
    });
    expect(
      screen.getByRole('link', { name: /Open in MLflow/ }),
    ).toHaveAttribute(
      'href',
      'https://mlflow.acme.test/#/models/fraud-detector',
    );
    expect(screen.getByRole('link', { name: /^7\b/ })).toHaveAttribute(
      'href',
      'https://mlflow.acme.test/#/models/fraud-detector/versions/7',
    );
    expect(
      screen.getByText('Registered in MLflow as fraud-detector'),
    ).toBeInTheDocument();
    expect(screen.getByText('max_depth=6')).toBeInTheDocument();
    expect(screen.getByText('learning_rate=0.1')).toBeInTheDocument();
  });

  it('shows one metric a line, and the short run id with the full one on hover', async () => {
    await renderWithEntity(<ModelVersionsCard />, {
      ...fraudDetector,
      spec: {
        ...fraudDetector.spec,
        versions: [
          {
            version: '7',
            metrics: { auc: 0.947, precision_at_1pct_fpr: 0.81, recall: 0.73 },
            runId: '3b9c1f0e2d6a4f7c',
          },
        ],
      },
    });
    const [row] = screen.getAllByRole('row').slice(1);
    for (const metric of [
      'auc 0.947',
      'precision_at_1pct_fpr 0.81',
      'recall 0.73',
    ]) {
      expect(within(row).getByText(metric)).toBeInTheDocument();
    }
    expect(within(row).getByText('3b9c1f0e')).toHaveAttribute(
      'title',
      '3b9c1f0e2d6a4f7c',
    );
  });

  it('explains how to add versions when there are none', async () => {
    await renderWithEntity(<ModelVersionsCard />, bareModel);
    expect(screen.getByText(/No versions registered/)).toBeInTheDocument();
  });
});

describe('ModelCardCard', () => {
  it('renders the card sections from sanitised markdown', async () => {
    const { container } = await renderWithEntity(
      <ModelCardCard />,
      fraudDetector,
    );
    expect(screen.getByText('Intended use')).toBeInTheDocument();
    expect(screen.getByText('card').tagName).toBe('STRONG');
    expect(screen.getByText('Cards only')).toBeInTheDocument();
    expect(screen.getByText('Evaluation data')).toBeInTheDocument();
    expect(
      screen.queryByText('Ethical considerations'),
    ).not.toBeInTheDocument();
    expect(container.querySelector('script')).toBeNull();
    expect((window as any).pwned).toBeUndefined();
  });

  it('shows an empty state naming the field when there is no card', async () => {
    await renderWithEntity(<ModelCardCard />, bareModel);
    expect(
      screen.getByText('This model has no model card'),
    ).toBeInTheDocument();
    expect(screen.getByText(/spec\.card/)).toBeInTheDocument();
  });
});
