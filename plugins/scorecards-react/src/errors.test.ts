import {
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { errorMessage, isNotAllowed } from './errors';

/** A ResponseError as `ResponseError.fromResponse` makes it from the backend's answer. */
const responseError = (status: number, statusText: string, name: string) =>
  ResponseError.fromResponse({
    status,
    statusText,
    ok: false,
    url: 'http://localhost:7007/api/scorecards/entities/model/default/x/refresh',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name, message: `You may not do that on "x\\y"` },
        request: { method: 'POST', url: '/entities/model/default/x/refresh' },
        response: { statusCode: status },
      }),
  } as unknown as Response);

describe('isNotAllowed', () => {
  it('accepts a NotAllowedError, as the client throws it today', () => {
    expect(isNotAllowed(new NotAllowedError('no'))).toBe(true);
    const legacy = new Error('You may not');
    legacy.name = 'NotAllowedError';
    expect(isNotAllowed(legacy)).toBe(true);
  });

  it('accepts a ResponseError whose server error is a NotAllowedError', async () => {
    const error = await responseError(403, 'Forbidden', 'NotAllowedError');
    expect(error.name).toBe('ResponseError');
    expect(isNotAllowed(error)).toBe(true);
  });

  it('refuses other errors', async () => {
    expect(
      isNotAllowed(await responseError(404, 'Not Found', 'NotFoundError')),
    ).toBe(false);
    expect(isNotAllowed(new NotFoundError('gone'))).toBe(false);
    expect(isNotAllowed(new Error('NotAllowedError'))).toBe(false);
    expect(isNotAllowed(undefined)).toBe(false);
    expect(isNotAllowed('NotAllowedError')).toBe(false);
  });
});

describe('errorMessage', () => {
  it("gives the server's message for a ResponseError, not the status line", async () => {
    const error = await responseError(500, 'Internal Server Error', 'Error');
    expect(error.message).toMatch(/500/);
    expect(errorMessage(error)).toBe('You may not do that on "x\\y"');
  });

  it('gives only the status line for an answer that is not JSON', async () => {
    const error = await ResponseError.fromResponse(
      new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'Content-Type': 'text/html' },
      }),
    );
    expect(error.cause.message).toContain('<html>');
    expect(errorMessage(error)).toBe('Request failed with 502 Bad Gateway');
  });

  it('gives only the status line for JSON that is not the backend error', async () => {
    const error = await ResponseError.fromResponse(
      new Response(JSON.stringify({ message: 'upstream timed out' }), {
        status: 504,
        statusText: 'Gateway Timeout',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
      }),
    );
    expect(error.cause.message).toContain('upstream timed out');
    expect(errorMessage(error)).toBe('Request failed with 504 Gateway Timeout');
  });

  it('gives any other error its own message', () => {
    expect(errorMessage(new NotFoundError('gone'))).toBe('gone');
    expect(errorMessage('plain')).toBe('plain');
  });
});
