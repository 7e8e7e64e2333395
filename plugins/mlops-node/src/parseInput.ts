import { z } from 'zod';
import { InputError } from '@backstage/errors';

/** The types zod expects, as a sentence's end: `must be ${TYPES[expected]}`. */
const TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  nan: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'a boolean',
  array: 'an array',
  tuple: 'an array',
  set: 'an array',
  date: 'a date',
  null: 'null',
};

/** What a string format is, as a sentence's end: `must be ${FORMATS[format]}`. */
const FORMATS: Record<string, string> = {
  datetime:
    'a date and time with its time zone, e.g. 2027-03-31T17:00:00Z (ISO 8601)',
  date: 'a date YYYY-MM-DD',
  time: 'a time HH:MM[:SS]',
  duration: 'an ISO 8601 duration, e.g. P3D',
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a UUID',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  base64: 'base64',
  base64url: 'base64url',
  json_string: 'a JSON string',
};

const SIZED: Record<string, string> = {
  string: 'characters',
  array: 'items',
  set: 'items',
  map: 'entries',
  file: 'bytes',
};

const quoted = (value: unknown) =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

/**
 * The message of an issue the schema has no message of its own for, in
 * plain words rather than zod's ("Invalid input: expected string, received
 * undefined"): "is required", "must be a string", "must be at most 200
 * characters"… A body that is not an object "must be a JSON object".
 */
function plainMessage(
  issue: z.core.$ZodRawIssue,
  what: 'query' | 'body' | 'input',
): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected as string;
      if (issue.input === undefined || expected === 'nonoptional')
        return 'is required';
      if (expected === 'object' || expected === 'record' || expected === 'map')
        return !issue.path?.length && what === 'body'
          ? 'must be a JSON object'
          : 'must be an object';
      if (
        expected === 'undefined' ||
        expected === 'never' ||
        expected === 'void'
      )
        return 'must not be given';
      return `must be ${TYPES[expected] ?? `a ${expected}`}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${quoted(issue.values[0])}`
        : `must be one of ${issue.values.map(v => String(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      const unit = SIZED[issue.origin];
      if (unit) {
        if (small && Number(limit) === 1 && !issue.exact)
          return 'must not be empty';
        let bound = small ? 'at least' : 'at most';
        if (issue.exact) bound = 'exactly';
        // "must be at most 200 characters", "must have at least 2 items"
        const verb = issue.origin === 'string' ? 'be' : 'have';
        return `must ${verb} ${bound} ${limit} ${unit}`;
      }
      if (issue.exact) return `must be exactly ${limit}`;
      if (issue.inclusive === false)
        return `must be ${small ? 'more' : 'less'} than ${limit}`;
      return `must be at ${small ? 'least' : 'most'} ${limit}`;
    }
    case 'invalid_format': {
      if (issue.format === 'starts_with')
        return `must start with ${quoted(
          (issue as { prefix?: string }).prefix,
        )}`;
      if (issue.format === 'ends_with')
        return `must end with ${quoted((issue as { suffix?: string }).suffix)}`;
      if (issue.format === 'includes')
        return `must contain ${quoted(
          (issue as { includes?: string }).includes,
        )}`;
      if (issue.format === 'regex')
        return `must match the pattern ${
          (issue as { pattern?: string }).pattern
        }`;
      return `must be ${FORMATS[issue.format] ?? `a valid ${issue.format}`}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${issue.keys.join(', ')}`;
    case 'invalid_key':
      return 'has a key that is not valid';
    case 'invalid_element':
      return 'has an element that is not valid';
    case 'invalid_union':
      // A discriminated union names the values its discriminator may take.
      if (
        'options' in issue &&
        Array.isArray(issue.options) &&
        issue.options.length
      )
        return `must be one of ${issue.options.map(String).join(', ')}`;
      return 'is not valid';
    default:
      return 'is not valid';
  }
}

/**
 * The input parsed by a zod schema, or an InputError (400) that names each
 * bad parameter or field: `depth: must be a whole number…; owner: …`. A
 * nested field is named by its path (`steps.0.name`); a problem with the
 * input as a whole is named by `what`.
 *
 * The messages a schema sets come through unchanged; zod's own are said in
 * plain words: a missing field "is required", one of the wrong type "must
 * be a string" (a number, a boolean, an object, an array), a body that is
 * not an object (`null`, `[]`, `"text"`) "must be a JSON object".
 *
 * @public
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: 'query' | 'body' | 'input',
): z.output<T> {
  const parsed = schema.safeParse(input, {
    error: issue => plainMessage(issue, what),
    reportInput: true,
  });
  if (parsed.success) return parsed.data;
  // One message per field: the first, most basic (its type before its
  // refinements).
  const messages = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.') || what;
    if (!messages.has(path))
      messages.set(path, isMissing(issue) ? 'is required' : issue.message);
  }
  throw new InputError(
    [...messages].map(([path, message]) => `${path}: ${message}`).join('; '),
  );
}

/**
 * Whether an issue is about a field that was not given (of a type, one of
 * a union or of values): the message of its type, even one the schema sets
 * (e.g. "must be a string"), does not say that.
 */
function isMissing(issue: z.core.$ZodIssue) {
  return (
    ['invalid_type', 'invalid_union', 'invalid_value'].includes(issue.code) &&
    issue.path.length > 0 &&
    'input' in issue &&
    issue.input === undefined
  );
}

/**
 * A query-string parameter read with `schema`, given once as one value. A
 * parameter repeated (`?n=1&n=2`) or written as a list or an object
 * (`?n[]=1`, `?n[a]=1`) is refused ("must be given once, as one value"),
 * where zod's coercion would read a list of one as its element. An absent
 * parameter is left to the schema (its default, or optional).
 *
 * @public
 */
export function queryParam<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value === 'object' && value !== null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be given once, as one value',
      });
      return z.NEVER;
    }
    return value;
  }, schema);
}

/**
 * An optional {@link queryParam}: absent, or present but empty (`?n=`),
 * reads as undefined.
 *
 * @public
 */
export function optionalQueryParam<T extends z.ZodType>(schema: T) {
  return queryParam(
    z.preprocess(v => (v === '' ? undefined : v), schema.optional()),
  );
}

/**
 * A whole number written in a query string in decimal digits (`?days=30`),
 * as a number; anything else (`0x10`, ` 7`, `5e1`, `1.5`, `-1`) is refused
 * with `error`. Bounds are the caller's: pipe it into a number schema.
 *
 * @public
 */
export function queryWholeNumber(error: string) {
  return z
    .string({ error })
    .regex(/^[0-9]{1,15}$/, { error })
    .transform(Number);
}
