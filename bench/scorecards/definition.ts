/*
 * The scorecard the engine comparison grades: the shipped ML production
 * readiness without the three checks that follow lineage through the catalog
 * (upstream-not-deprecated, personal-data-declared,
 * production-upstream-not-experimental). Those need the lineage fact
 * provider, which reads the catalog over HTTP, so neither the plain loop nor
 * Tech Insights' rules could do the same work here. run.ts still refuses to
 * start when the remaining levels differ from the plain loop's.
 */
import { ConfigReader } from '@backstage/config';
import { ScorecardGrader } from '@convergence/backstage-plugin-scorecards-backend';

const LINEAGE_CHECKS = new Set([
  'upstream-not-deprecated',
  'personal-data-declared',
  'production-upstream-not-experimental',
]);

const shipped = ScorecardGrader.fromConfig(new ConfigReader({})).scorecards;

export const BENCH_SCORECARD_CONFIG = new ConfigReader({
  scorecards: {
    // JSON through and through; the definition type only lacks the index signature.
    definitions: JSON.parse(
      JSON.stringify(
        shipped
          .filter(s => s.id === 'ml-production-readiness')
          .map(s => ({
            ...s,
            levels: s.levels.map(l => ({
              name: l.name,
              checks: l.checks.filter(id => !LINEAGE_CHECKS.has(id)),
            })),
          })),
      ),
    ),
  },
});
