import { z } from 'zod';
import { InputError } from '@backstage/errors';
import { parseInput } from './parseInput';

const schema = z.strictObject({
  days: z.coerce.number().int('must be a whole number').default(90),
  steps: z.array(z.object({ name: z.string().min(1, 'must not be empty') })),
});

const failure = (input: unknown, what: 'query' | 'body' | 'input') => {
  try {
    parseInput(schema, input, what);
  } catch (error) {
    return error;
  }
  throw new Error('parseInput accepted the input');
};

describe('parseInput', () => {
  it('answers the parsed input, with its transforms and defaults', () => {
    expect(
      parseInput(schema, { steps: [{ name: 'a.b "c"' }] }, 'body'),
    ).toEqual({ days: 90, steps: [{ name: 'a.b "c"' }] });
  });

  it('names each bad field by its path, nested ones joined by dots', () => {
    const error = failure({ days: '1.5', steps: [{ name: '' }] }, 'query');
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'days: must be a whole number; steps.0.name: must not be empty',
    );
  });

  it.each(['query', 'body', 'input'] as const)(
    'names the %s as a whole when the issue has no path',
    what => {
      const error = failure('not an object', what);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(new RegExp(`^${what}: `));
    },
  );
});
