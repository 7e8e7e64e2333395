import { ResponseError } from '@backstage/errors';

/**
 * The ResponseError the scorecards client throws when the backend answers
 * `status` to `path` (under /api/scorecards) with the error `name`: `message`.
 */
export const serverError = (
  status: number,
  statusText: string,
  path: string,
  error: { name: string; message: string },
) =>
  ResponseError.fromResponse({
    status,
    statusText,
    ok: false,
    url: `http://localhost/api/scorecards${path}`,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({ error, response: { statusCode: status } }),
  } as unknown as Response);
