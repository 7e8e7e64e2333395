import { z } from 'zod';
import { InputError } from '@backstage/errors';
import {
  optionalQueryParam,
  parseInput,
  queryParam,
  queryWholeNumber,
} from './parseInput';

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

describe('queryParam and optionalQueryParam', () => {
  const query = z.object({
    days: queryParam(
      z.coerce
        .number({ error: 'must be a whole number' })
        .int('must be a whole number')
        .default(90),
    ),
    owner: optionalQueryParam(z.string().min(2, 'must be a name')),
  });
  const read = (input: unknown) => {
    const parsed = query.safeParse(input);
    return parsed.success
      ? parsed.data
      : parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
  };

  it('reads one value, and leaves an absent one to the schema', () => {
    expect(read({ days: '7', owner: 'ü "team"' })).toEqual({
      days: 7,
      owner: 'ü "team"',
    });
    expect(read({})).toEqual({ days: 90 });
    expect(read({ owner: '' })).toEqual({ days: 90 });
  });

  it.each([
    [{ days: ['1'] }, 'days'],
    [{ days: ['1', '2'] }, 'days'],
    [{ days: { a: '1' } }, 'days'],
    [{ owner: ['team-a'] }, 'owner'],
  ])('refuses %j, naming %s', (input, field) => {
    expect(read(input)).toEqual([`${field}: must be given once, as one value`]);
  });

  it("keeps the schema's own refusals", () => {
    expect(read({ days: 'abc', owner: 'x' })).toEqual([
      'days: must be a whole number',
      'owner: must be a name',
    ]);
  });
});

describe('queryWholeNumber', () => {
  const n = queryWholeNumber('must be a whole number').pipe(
    z.number().max(730, 'must be at most 730'),
  );
  it('reads decimal digits', () => {
    expect(n.parse('0')).toBe(0);
    expect(n.parse('0730')).toBe(730);
  });
  it.each(['', ' 7', '7 ', '0x10', '0b11', '5e1', '1.5', '-1', 'abc', '1e309'])(
    'refuses %j',
    value => {
      expect(n.safeParse(value).error?.issues.map(i => i.message)).toEqual([
        'must be a whole number',
      ]);
    },
  );
  it('leaves the bounds to the schema it is piped into', () => {
    expect(n.safeParse('731').error?.issues.map(i => i.message)).toEqual([
      'must be at most 730',
    ]);
  });
});
