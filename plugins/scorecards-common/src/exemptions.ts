import { CheckStatus } from './types';

/**
 * The statuses of check `checkId` in an entity's results, but `na`: what a
 * request to exempt the entity from it is weighed against, by the backend
 * and as the entity card explains it.
 *
 * @public
 */
export function gradedStatuses(
  results: ReadonlyArray<{
    checks: ReadonlyArray<{ checkId: string; status: CheckStatus }>;
  }>,
  checkId: string,
): CheckStatus[] {
  const statuses: CheckStatus[] = [];
  for (const result of results)
    for (const check of result.checks)
      if (check.checkId === checkId && check.status !== 'na')
        statuses.push(check.status);
  return statuses;
}

/**
 * Why graded `statuses` (see {@link gradedStatuses}) leave nothing to exempt
 * from: `'pass'` when every one passes, `'unknown'` when none fails or is
 * exempt but not all pass (a fact provider failed). Undefined when one fails
 * or is exempt, or when there is no status at all (no longer graded), which
 * says nothing either way.
 *
 * @public
 */
export function notFailing(
  statuses: readonly CheckStatus[],
): 'pass' | 'unknown' | undefined {
  if (
    !statuses.length ||
    statuses.some(status => status === 'fail' || status === 'exempt')
  )
    return undefined;
  return statuses.every(status => status === 'pass') ? 'pass' : 'unknown';
}
