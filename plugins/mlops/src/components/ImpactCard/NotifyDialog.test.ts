import { noticeLabel } from './NotifyDialog';

describe('noticeLabel', () => {
  it.each([
    [
      { type: 'deprecation', effectiveDate: '2099-03-01' },
      'Deprecated from 2099-03-01',
    ],
    [{ type: 'deprecation' }, 'Deprecated from a date not given'],
    [
      { type: 'incident', effectiveDate: '2026-11-29' },
      'Incident (2026-11-29)',
    ],
    [{ type: 'incident' }, 'Incident'],
    [
      { type: 'personal-data', effectiveDate: '2026-12-01' },
      'Contains personal data (2026-12-01)',
    ],
    [{ type: 'other' }, 'Other'],
  ] as const)('%j reads %s', (notice, label) => {
    expect(noticeLabel(notice)).toBe(label);
  });
});
