import {
  CompoundEntityRef,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/*
 * The rules the actions apply to template inputs. The templates' forms use
 * the same patterns (templates/<name>/template.yaml), so that a value the
 * form refuses is refused by the action too when a run bypasses the form.
 */

/** An entity name by the catalog's rules: 1–63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
const NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
/** A namespace by the catalog's rules (a DNS label; the length is checked on parsing). */
const NAMESPACE = '[a-z0-9]+(-+[a-z0-9]+)*';

/**
 * The pattern (as a JSON schema `pattern` string) of a reference
 * `kind:[namespace/]name` to an entity of one of `kinds`, as the scaffolder's
 * pickers write it (lower-case kind); with `optionalKind`, a bare
 * `[namespace/]name` too.
 */
export function entityRefPattern(
  kinds: string[],
  options?: { optionalKind?: boolean },
): string {
  const lower = kinds.map(k => k.toLocaleLowerCase('en-US'));
  const kind = `${lower.length === 1 ? lower[0] : `(${lower.join('|')})`}:`;
  return `^${
    options?.optionalKind ? `(${kind})?` : kind
  }(${NAMESPACE}/)?${NAME}$`;
}

/** Any kind followed by `:[namespace/]name`. */
export const ANY_ENTITY_REF_PATTERN = `^[A-Za-z][A-Za-z0-9]{0,62}:(${NAMESPACE}/)?${NAME}$`;

/** A kind by the catalog's rules. */
export const KIND_PATTERN = '^[A-Za-z][A-Za-z0-9]{0,62}$';

/** One cron field: digits, names, `*`, ranges, steps, lists and Jenkins' `H(…)`. */
const CRON_FIELD = '[0-9A-Za-z*?,/#()-]{1,40}';

/** Five cron fields separated by single spaces, or a `@daily`-style macro. */
export const CRON_PATTERN = `^(@(yearly|annually|monthly|weekly|daily|hourly)|${CRON_FIELD}( ${CRON_FIELD}){4})$`;

/**
 * Python's keywords (`keyword.kwlist`, unchanged since Python 3.7; a test
 * compares the list with the interpreter's). Soft keywords such as `match`
 * are valid names and are not listed.
 */
export const PYTHON_KEYWORDS: readonly string[] = [
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
];

/**
 * The name of the model the training-pipeline template creates: lower-case
 * letters, digits and dashes, 3–41 characters, and not a Python keyword. The
 * Kubeflow pipeline names the model's output artifact after it (dashes as
 * `_`), and that artifact is a Python parameter: `class` or `lambda` would
 * make pipeline.py invalid. Compared case-sensitively, as Python does
 * (`none` is a name, `None` is not). The form of templates/training-pipeline
 * uses it; no action receives the name as a Python name (fetch:template
 * renders it), but the scaffolder checks the form's patterns on every run,
 * those started through the API too.
 */
export const TRAINING_MODEL_NAME_PATTERN = `^(?!(${PYTHON_KEYWORDS.join(
  '|',
)})$)[a-z][a-z0-9-]{2,40}$`;

/** Whether a value matches a pattern of this file. */
export function matches(pattern: string, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(pattern, 'u').test(value);
}

const validator = makeValidator();

/**
 * Parses an entity reference and checks its kind, namespace and name by the
 * catalog's rules, and its kind against `kinds` (any kind when omitted).
 * Throws an InputError that names the field and shows the value as JSON, so
 * that line breaks and quotes in it are visible.
 */
export function parseStrictEntityRef(
  value: unknown,
  options: {
    field: string;
    kinds?: string[];
    defaultKind?: string;
    defaultNamespace?: string;
  },
): CompoundEntityRef {
  const { field, kinds } = options;
  let ref: CompoundEntityRef | undefined;
  try {
    if (typeof value === 'string') {
      ref = parseEntityRef(value, {
        defaultKind: options.defaultKind,
        defaultNamespace: options.defaultNamespace,
      });
    }
  } catch {
    ref = undefined;
  }
  if (
    !ref ||
    !validator.isValidKind(ref.kind) ||
    !validator.isValidNamespace(ref.namespace) ||
    !validator.isValidEntityName(ref.name)
  ) {
    throw new InputError(
      `${field} ${JSON.stringify(
        value,
      )} is not a valid entity reference ([<kind>:][<namespace>/]<name>, names of letters, digits, "-", "_" and ".")`,
    );
  }
  const kind = ref.kind.toLocaleLowerCase('en-US');
  if (kinds && !kinds.includes(kind)) {
    throw new InputError(
      `${field} refers to ${kind}:${ref.namespace}/${
        ref.name
      }; it must refer to ${describeKinds(kinds)}`,
    );
  }
  return ref;
}

/** "a group or user", "an api", "a dataset or model". */
export function describeKinds(kinds: string[]): string {
  const article = /^[aeiou]/.test(kinds[0]) ? 'an' : 'a';
  return `${article} ${kinds.join(' or ')}`;
}
