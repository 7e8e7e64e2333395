import { screen, within } from '@testing-library/react';
import { renderWithEntity } from '../../__testUtils__/render';
import { cardTransactions, clickstream } from '../../__testUtils__/fixtures';
import { DatasetOverviewCard } from './DatasetOverviewCard';
import { DatasetSchemaCard } from '../DatasetSchemaCard/DatasetSchemaCard';

describe('DatasetOverviewCard', () => {
  it('shows source, format, classification and retention', async () => {
    await renderWithEntity(<DatasetOverviewCard />, cardTransactions);
    expect(
      screen.getByText('s3: s3://acme-lake/curated/card_transactions/'),
    ).toBeInTheDocument();
    expect(screen.getByText('parquet')).toBeInTheDocument();
    expect(screen.getByText('confidential')).toBeInTheDocument();
    expect(screen.getByText('2 years (P2Y)')).toBeInTheDocument();
    expect(screen.getByText('yes')).toBeInTheDocument();
  });

  it('makes a missing classification and retention visible', async () => {
    await renderWithEntity(<DatasetOverviewCard />, clickstream);
    expect(screen.getByText('unclassified')).toBeInTheDocument();
    expect(screen.getByText('not set')).toBeInTheDocument();
  });
});

describe('DatasetSchemaCard', () => {
  it('lists the fields and marks personal data', async () => {
    await renderWithEntity(<DatasetSchemaCard />, cardTransactions);
    expect(
      screen.getByText('3 fields, 1 holding personal data'),
    ).toBeInTheDocument();
    const row = screen.getByText('card_token').closest('tr')!;
    expect(within(row).getByText('PII')).toBeInTheDocument();
    expect(within(row).getByText('Tokenised PAN')).toBeInTheDocument();
    const other = screen.getByText('amount').closest('tr')!;
    expect(within(other).queryByText('PII')).toBeNull();
  });

  it('explains how to document a schema when there is none', async () => {
    await renderWithEntity(<DatasetSchemaCard />, clickstream);
    expect(screen.getByText(/No schema documented/)).toBeInTheDocument();
  });
});
