import { CheckStatus } from './types';
import { gradedStatuses, notFailing } from './exemptions';

describe('gradedStatuses', () => {
  it("lists a check's statuses in every result but na", () => {
    const result = (...checks: [string, CheckStatus][]) => ({
      checks: checks.map(([checkId, status]) => ({ checkId, status })),
    });
    expect(
      gradedStatuses(
        [
          result(['a', 'pass'], ['b', 'fail']),
          result(['a', 'na'], ['b', 'unknown']),
          result(['a', 'exempt']),
        ],
        'a',
      ),
    ).toEqual(['pass', 'exempt']);
  });
});

describe('notFailing', () => {
  it.each<[CheckStatus[], 'pass' | 'unknown' | undefined]>([
    [['pass', 'pass'], 'pass'],
    [['pass', 'unknown'], 'unknown'],
    [['unknown'], 'unknown'],
    [['pass', 'fail'], undefined],
    [['unknown', 'exempt'], undefined],
    [[], undefined],
  ])('%j: %s', (statuses, expected) => {
    expect(notFailing(statuses)).toBe(expected);
  });
});
