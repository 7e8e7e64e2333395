import { Entity } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import {
  isPipelineEntity,
  KUBEFLOW_PIPELINE_ID_ANNOTATION,
} from '@convergence/backstage-plugin-mlops-common';
import {
  createScorecardsFactsModule,
  EntityFactProvider,
  wholeDaysSince,
} from '@convergence/backstage-plugin-scorecards-node';

/**
 * Facts about pipelines read from Kubeflow, under `facts.kubeflow`:
 * `lastRunState` (succeeded, failed, running, … or `none`),
 * `lastRunAgeDays` (days since the last run finished, or started when it has
 * not finished; absent without a run) and `scheduled` (has a recurring run).
 *
 * @public
 */
export class KubeflowFactProvider extends EntityFactProvider {
  readonly id = 'kubeflow';

  protected factsOf(entity: Entity, now: Date) {
    if (!isPipelineEntity(entity)) return undefined;
    if (!entity.metadata.annotations?.[KUBEFLOW_PIPELINE_ID_ANNOTATION])
      return undefined;
    const { spec } = entity;
    const run = spec.lastRun;
    const at = DateTime.fromISO(run?.finishedAt ?? run?.startedAt ?? '', {
      zone: 'utc',
    });
    return {
      lastRunState: run?.status ?? 'none',
      ...(at.isValid && {
        lastRunAgeDays: wholeDaysSince(at.toJSDate(), now),
      }),
      scheduled: Boolean(spec.schedule),
    };
  }
}

/**
 * Adds the Kubeflow facts to the scorecards plugin.
 *
 * @public
 */
export const scorecardsModuleKubeflowFacts = createScorecardsFactsModule({
  moduleId: 'kubeflow-facts',
  factProviders: () => [new KubeflowFactProvider()],
});
