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

/**
 * What went wrong, in words: for a `ResponseError` the server's own message
 * (its message is only the status line), otherwise the error's message. An
 * answer that is not JSON (say a proxy's HTML page for a 502) gives only its
 * status line: `Request failed with 502 Bad Gateway`.
 *
 * @public
 */
export function errorMessage(error: unknown): string {
  if (ResponseError.is(error)) {
    const type = error.response.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json')) return error.message;
    return error.cause.message || error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
