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
 * answer that is not the backend's JSON error (say a proxy's HTML page for a
 * 502, or an empty body) gives only its status line:
 * `Request failed with 502 Bad Gateway`.
 *
 * @public
 */
export function errorMessage(error: unknown): string {
  if (ResponseError.is(error)) {
    const own = error.cause.message;
    // What @backstage/errors writes in place of a body that is not the
    // backend's JSON error (HTML, other JSON, nothing): the status and the
    // raw body.
    const unread = own.startsWith(
      `Request failed with status ${error.statusCode}`,
    );
    return own && !unread ? own : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
