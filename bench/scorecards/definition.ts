/*
 * The scorecard the engine comparison grades: ML production readiness with
 * the 17 checks that read an entity and the entities its relations name. The
 * shipped default adds three checks that follow lineage through the catalog
 * (upstream-not-deprecated, personal-data-declared,
 * production-upstream-not-experimental); they need the lineage fact
 * provider, which reads the catalog over HTTP, so neither the plain loop nor
 * Tech Insights' rules could do the same work here. The bench names its
 * levels itself so that a change of the default cannot silently change what
 * it compares.
 */
import { ConfigReader } from '@backstage/config';

export const BENCH_SCORECARD_CONFIG = new ConfigReader({
  scorecards: {
    definitions: [
      {
        id: 'ml-production-readiness',
        title: 'ML production readiness',
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
            ],
          },
        ],
      },
    ],
  },
});
