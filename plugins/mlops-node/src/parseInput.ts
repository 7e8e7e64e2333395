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
