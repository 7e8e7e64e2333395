import { ResponseError } from '@backstage/errors';

/**
 * Whether an error from the scorecards API means the caller may not do what
 * it asked (HTTP 403): a `NotAllowedError`, or a `ResponseError` whose server
 * error is one.
 *
 * @public
 */
export function isNotAllowed(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { name?: unknown }).name === 'NotAllowedError') return true;
  return (
    ResponseError.is(error) && error.body.error?.name === 'NotAllowedError'
  );
}
