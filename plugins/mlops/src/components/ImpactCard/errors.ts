import { ResponseError } from '@backstage/errors';

/** The server's own message for a failed request, else the error's message. */
export function serverMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

/** "1 team", "2 teams" */
export function count(n: number, singular: string, plural = `${singular}s`) {
  return `${n} ${n === 1 ? singular : plural}`;
}
