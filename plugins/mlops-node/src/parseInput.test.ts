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

describe("parseInput's plain words for zod's own messages", () => {
  const fields = z.strictObject({
    owner: z.string(),
    count: z.number(),
    whole: z.number().int().optional(),
    enabled: z.boolean().optional(),
    target: z.object({ level: z.string() }).optional(),
    checks: z.array(z.string().max(5)).max(2).optional(),
    state: z.enum(['open', 'closed']).optional(),
    note: z.string().min(3).max(10).optional(),
    when: z.iso.datetime({ offset: true }).optional(),
    scorecardId: z.string({ error: 'must name a scorecard' }).optional(),
  });
  const message = (input: unknown, what: 'query' | 'body' | 'input' = 'body') =>
    (() => {
      try {
        parseInput(fields, input, what);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('parseInput accepted the input');
    })();
  const valid = { owner: 'group:default/ü "a"', count: 1 };

  it('says a missing field is required', () => {
    expect(message({ count: 1 })).toBe('owner: is required');
    expect(message({})).toBe('owner: is required; count: is required');
  });

  it.each([
    [{ owner: 42 }, 'owner: must be a string'],
    [{ owner: null }, 'owner: must be a string'],
    [{ count: '1' }, 'count: must be a number'],
    [{ whole: 1.5 }, 'whole: must be a whole number'],
    [{ enabled: 'yes' }, 'enabled: must be a boolean'],
    [{ target: 'Silver' }, 'target: must be an object'],
    [{ target: ['Silver'] }, 'target: must be an object'],
    [{ checks: 'a' }, 'checks: must be an array'],
    [{ checks: { a: 1 } }, 'checks: must be an array'],
  ])('says what type %j must have: %s', (overrides, expected) => {
    expect(message({ ...valid, ...overrides })).toBe(expected);
  });

  it('names nested fields by their dotted and indexed path', () => {
    expect(message({ ...valid, target: {} })).toBe('target.level: is required');
    expect(message({ ...valid, checks: ['a', 7] })).toBe(
      'checks.1: must be a string',
    );
  });

  it.each([
    [{ state: 'soon' }, 'state: must be one of open, closed'],
    [{ note: 'ab' }, 'note: must be at least 3 characters'],
    [{ note: 'x'.repeat(11) }, 'note: must be at most 10 characters'],
    [{ checks: ['a', 'b', 'c'] }, 'checks: must have at most 2 items'],
    [{ checks: ['toolong'] }, 'checks.0: must be at most 5 characters'],
    [
      { when: '2027-03-31' },
      'when: must be a date and time with its time zone, e.g. 2027-03-31T17:00:00Z (ISO 8601)',
    ],
    [{ extra: 1 }, 'body: unknown field extra'],
    [{ extra: 1, 'a.b': 2 }, 'body: unknown fields extra, a.b'],
  ])('says in plain words what is wrong with %j: %s', (overrides, expected) => {
    expect(message({ ...valid, ...overrides })).toBe(expected);
  });

  it("keeps the schema's own messages", () => {
    expect(message({ ...valid, scorecardId: 3 })).toBe(
      'scorecardId: must name a scorecard',
    );
    const custom = z.object({
      owner: z.string({ error: 'must name a group' }),
      days: z.number().max(730, 'must be at most 730 days'),
    });
    expect(() => parseInput(custom, { owner: 7, days: 731 }, 'body')).toThrow(
      'owner: must name a group; days: must be at most 730 days',
    );
  });

  it('says a missing field is required, even where the schema sets its type message', () => {
    const custom = z.object({
      title: z.string({ error: 'must be a string' }).min(3),
      owner: z.string({ error: 'must name a group' }),
      state: z.enum(['open', 'closed'], { error: 'must be open or closed' }),
      when: z.union([z.iso.date(), z.iso.datetime()], {
        error: 'must be a date',
      }),
    });
    expect(() => parseInput(custom, {}, 'body')).toThrow(
      new InputError(
        'title: is required; owner: is required; state: is required; when: is required',
      ),
    );
    // Given, but null or of another type: the schema's message.
    expect(() =>
      parseInput(
        custom,
        { title: null, owner: 1, state: 'x', when: 'soon' },
        'body',
      ),
    ).toThrow(
      new InputError(
        'title: must be a string; owner: must name a group; state: must be open or closed; when: must be a date',
      ),
    );
  });

  it('gives each field one message, its first', () => {
    const twice = z.object({
      reason: z
        .string()
        .refine(s => s.trim().length >= 3, 'must say why')
        .refine(s => !s.includes('\u0000'), 'must not contain NUL characters'),
      note: z.string().optional(),
    });
    expect(() =>
      parseInput(twice, { reason: '\u0000', note: 1 }, 'body'),
    ).toThrow(new InputError('reason: must say why; note: must be a string'));
  });

  it.each([null, 'text', [], 42, true])(
    'says a body %j must be a JSON object',
    body => {
      expect(message(body)).toBe('body: must be a JSON object');
    },
  );

  it('says an input or query that is not an object must be one', () => {
    expect(message(null, 'input')).toBe('input: must be an object');
    expect(message('a=1', 'query')).toBe('query: must be an object');
  });
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
