import { Config } from '@backstage/config';
import {
  evaluateFilterPredicate,
  FilterPredicate,
  getJsonValueAtPath,
  readFilterPredicateFromConfig,
  readOptionalFilterPredicateFromConfig,
} from '@backstage/filter-predicates';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';

/** A numeric bound on a value of the entity or its facts. */
type Threshold = { path: string; min?: number; max?: number };

/**
 * Reads the custom checks under `scorecards.checks`: each has an optional
 * `appliesTo` filter predicate (others score n/a), an optional `require`
 * predicate that must hold, and numeric `thresholds` on entity fields or facts
 * (`facts.<provider>.<fact>`). Bad config fails here, naming the key.
 */
export function readDeclarativeChecks(config: Config): ScorecardCheck[] {
  return (config.getOptionalConfigArray('scorecards.checks') ?? []).map(
    (c, i) => {
      const at = `scorecards.checks[${i}]`;
      const appliesTo = readOptionalFilterPredicateFromConfig(c, {
        key: 'appliesTo',
      });
      const require: FilterPredicate | undefined = c.has('require')
        ? readFilterPredicateFromConfig(c, { key: 'require' })
        : undefined;
      const thresholds: Threshold[] = (
        c.getOptionalConfigArray('thresholds') ?? []
      ).map(t => ({
        path: t.getString('path'),
        min: t.getOptionalNumber('min'),
        max: t.getOptionalNumber('max'),
      }));
      if (!require && thresholds.length === 0) {
        throw new Error(`${at} needs 'require' or 'thresholds'`);
      }
      return {
        id: c.getString('id'),
        title: c.getString('title'),
        why: c.getOptionalString('why') ?? '',
        howToFix: c.getOptionalString('howToFix') ?? '',
        evaluate: ({ entity, facts }) => {
          const subject = { ...entity, facts } as any;
          if (appliesTo && !evaluateFilterPredicate(appliesTo, subject)) {
            return { status: 'na' };
          }
          if (require && !evaluateFilterPredicate(require, subject)) {
            return { status: 'fail', message: 'requirement not met' };
          }
          for (const t of thresholds) {
            const value = getJsonValueAtPath(subject, t.path);
            if (typeof value !== 'number') {
              return { status: 'fail', message: `${t.path} is not set` };
            }
            if (t.min !== undefined && value < t.min) {
              return {
                status: 'fail',
                message: `${t.path} is ${value}, below ${t.min}`,
              };
            }
            if (t.max !== undefined && value > t.max) {
              return {
                status: 'fail',
                message: `${t.path} is ${value}, above ${t.max}`,
              };
            }
          }
          return { status: 'pass' };
        },
      };
    },
  );
}
