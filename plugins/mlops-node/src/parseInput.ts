import { z } from 'zod';
import { InputError } from '@backstage/errors';

/**
 * The input parsed by a zod schema, or an InputError (400) that names each
 * bad parameter or field: `depth: must be a whole number…; owner: …`. A
 * nested field is named by its path (`steps.0.name`); a problem with the
 * input as a whole is named by `what`.
 *
 * @public
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: 'query' | 'body' | 'input',
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues
      .map(i => `${i.path.map(String).join('.') || what}: ${i.message}`)
      .join('; '),
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
