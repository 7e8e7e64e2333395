import { Config } from '@backstage/config';
import {
  FilterPredicate,
  filterPredicateToFilterFunction,
  readFilterPredicateFromConfig,
} from '@backstage/filter-predicates';
import { Entity } from '@backstage/catalog-model';
import { ScorecardDefinition } from '@convergence/backstage-plugin-scorecards-common';

/** A definition with its entity filter compiled. */
export type CompiledScorecard = ScorecardDefinition & {
  matches: (entity: Entity) => boolean;
};

/** Shipped when `scorecards.definitions` is not configured. */
export const DEFAULT_DEFINITIONS: ScorecardDefinition[] = [
  {
    id: 'ml-production-readiness',
    title: 'ML production readiness',
    description:
      'Models, datasets and pipelines: owned, documented, reproducible, compliant and monitored.',
    filter: { kind: { $in: ['Model', 'Dataset', 'Pipeline'] } },
    levels: [
      {
        name: 'Bronze',
        checks: [
          'owner-is-group',
          'has-description',
          'dataset-classified',
          'model-license-declared',
        ],
      },
      {
        name: 'Silver',
        checks: [
          'model-card-complete',
          'model-training-data-declared',
          'model-evaluation-data-declared',
          'dataset-pii-protected',
          'dataset-pii-retention',
          'dataset-schema-documented',
          'pipeline-scheduled',
          'upstream-not-deprecated',
          'personal-data-declared',
        ],
      },
      {
        name: 'Gold',
        checks: [
          'model-produced-by-pipeline',
          'model-production-alias',
          'model-monitoring-link',
          'lifecycle-consistent',
          'pipeline-last-run-succeeded',
          'pipeline-ran-recently',
          'production-upstream-not-experimental',
        ],
      },
    ],
  },
  {
    id: 'ml-service-readiness',
    title: 'ML service readiness',
    description:
      'Components that serve a model: owned, on call, tested, serving registered production models.',
    filter: { kind: 'Component', 'spec.dependsOn': { $exists: true } },
    levels: [
      { name: 'Bronze', checks: ['owner-is-group', 'has-description'] },
      {
        name: 'Silver',
        checks: [
          'service-ci',
          'service-models-registered',
          'upstream-not-deprecated',
        ],
      },
      { name: 'Gold', checks: ['service-on-call'] },
    ],
  },
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The kinds of entity a filter predicate can match, lower-case, or undefined
 * when it may match any kind (no `kind` condition, `$not`, `$hasPrefix`, an
 * operator this code does not know …). Used to list from the catalog every
 * entity a scorecard may grade: it may name too many kinds, never too few.
 */
export function kindsOf(predicate: unknown): string[] | undefined {
  if (!isObject(predicate)) return undefined;
  if (Array.isArray(predicate.$any)) {
    const each = predicate.$any.map(kindsOf);
    return each.some(k => k === undefined)
      ? undefined
      : [...new Set(each.flat() as string[])];
  }
  if (Array.isArray(predicate.$all)) {
    // Every condition holds: the kinds all of them allow.
    const known = predicate.$all
      .map(kindsOf)
      .filter((k): k is string[] => k !== undefined);
    return known.length
      ? known.reduce((a, b) => a.filter(k => b.includes(k)))
      : undefined;
  }
  if (Object.keys(predicate).some(k => k.startsWith('$'))) return undefined;
  const kind = predicate.kind;
  if (isPrimitive(kind)) return [String(kind).toLocaleLowerCase('en-US')];
  if (
    isObject(kind) &&
    Object.keys(kind).length === 1 &&
    Array.isArray(kind.$in) &&
    kind.$in.every(isPrimitive)
  )
    return [
      ...new Set(kind.$in.map(k => String(k).toLocaleLowerCase('en-US'))),
    ];
  return undefined;
}

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/** Upper-cased strings, as filter predicates compare them, remembered. */
const upperCased = new Map<string, string>();
function upper(s: string): string {
  let u = upperCased.get(s);
  if (u === undefined) {
    u = s.toUpperCase();
    if (upperCased.size > 10_000) upperCased.clear();
    upperCased.set(s, u);
  }
  return u;
}

/**
 * `predicate` as a function, deciding exactly as evaluateFilterPredicate
 * does. A conjunction of fields is decided field by field, in order; a
 * top-level field equal to a string or to `$in` strings (`{ kind: { $in:
 * [Model, Dataset] } }`) compares case-insensitively without upper-casing on
 * every call. Other fields, and predicates with operators ($all, $any …),
 * are left to @backstage/filter-predicates.
 */
export function compileFilterPredicate(
  predicate: FilterPredicate,
): (entity: Entity) => boolean {
  const generic = filterPredicateToFilterFunction<Entity>(predicate);
  if (
    !isObject(predicate) ||
    Object.keys(predicate).some(k => k.startsWith('$'))
  )
    return generic;
  const fields = Object.entries(predicate).map(([key, filter]) =>
    compileField(key, filter),
  );
  return entity => {
    for (let i = 0; i < fields.length; i++)
      if (!fields[i](entity)) return false;
    return true;
  };
}

/** One field of a conjunction, as evaluateFilterPredicate decides it. */
function compileField(
  key: string,
  filter: unknown,
): (entity: Entity) => boolean {
  const generic = filterPredicateToFilterFunction<Entity>({
    [key]: filter,
  } as FilterPredicate);
  let values: unknown[];
  if (typeof filter === 'string') values = [filter];
  else if (
    isObject(filter) &&
    Object.keys(filter).length === 1 &&
    Array.isArray(filter.$in)
  )
    values = filter.$in;
  else return generic;
  // A dotted path keeps the library's reading (it also matches dotted keys).
  if (key.includes('.') || !values.every(v => typeof v === 'string'))
    return generic;
  const upperValues = new Set(values.map(v => upper(v as string)));
  return entity => {
    // getJsonValueAtPath reads an own enumerable property; valuesAreEqual
    // compares strings upper-cased (and other values its own way).
    const value = propertyIsEnumerable.call(entity, key)
      ? (entity as unknown as Record<string, unknown>)[key]
      : undefined;
    if (value === undefined) return false;
    if (typeof value !== 'string') return generic(entity);
    return upperValues.has(upper(value));
  };
}

function compile(
  def: ScorecardDefinition,
  predicate: FilterPredicate,
): CompiledScorecard {
  return { ...def, matches: compileFilterPredicate(predicate) };
}

/**
 * Reads `scorecards.definitions`, or the defaults. Every check a level names
 * must exist; a bad definition fails at start-up, naming the key.
 */
export function readDefinitions(
  config: Config,
  knownChecks: Set<string>,
): CompiledScorecard[] {
  const configs = config.getOptionalConfigArray('scorecards.definitions');
  const defs = configs
    ? configs.map(c => {
        const levels = c.getConfigArray('levels').map(l => ({
          name: l.getString('name'),
          checks: l.getStringArray('checks'),
        }));
        return compile(
          {
            id: c.getString('id'),
            title: c.getString('title'),
            description: c.getOptionalString('description'),
            filter: c.get('filter') as Record<string, unknown>,
            levels,
          },
          readFilterPredicateFromConfig(c, { key: 'filter' }),
        );
      })
    : DEFAULT_DEFINITIONS.map(d => compile(d, d.filter as FilterPredicate));

  defs.forEach((def, i) => {
    def.levels.forEach((level, j) => {
      for (const id of level.checks) {
        if (!knownChecks.has(id)) {
          throw new Error(
            `scorecards.definitions[${i}].levels[${j}].checks names unknown check '${id}'`,
          );
        }
      }
    });
  });
  return defs;
}
