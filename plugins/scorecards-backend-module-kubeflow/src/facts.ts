import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import {
  isPipelineEntity,
  KUBEFLOW_PIPELINE_ID_ANNOTATION,
} from '@convergence/backstage-plugin-mlops-common';
import {
  FactProvider,
  scorecardsExtensionPoint,
} from '@convergence/backstage-plugin-scorecards-node';

/**
 * Facts about pipelines read from Kubeflow, under `facts.kubeflow`:
 * `lastRunState` (succeeded, failed, running, … or `none`),
 * `lastRunAgeDays` (days since the last run finished, or started when it has
 * not finished; absent without a run) and `scheduled` (has a recurring run).
 *
 * @public
 */
export class KubeflowFactProvider implements FactProvider {
  readonly id = 'kubeflow';

  constructor(private readonly now: () => Date = () => new Date()) {}

  async getFacts(entities: Entity[]) {
    const facts = new Map<string, Record<string, unknown>>();
    const now = DateTime.fromJSDate(this.now(), { zone: 'utc' });
    for (const entity of entities) {
      if (!isPipelineEntity(entity)) continue;
      if (!entity.metadata.annotations?.[KUBEFLOW_PIPELINE_ID_ANNOTATION])
        continue;
      const { spec } = entity;
      const run = spec.lastRun;
      const at = DateTime.fromISO(run?.finishedAt ?? run?.startedAt ?? '', {
        zone: 'utc',
      });
      facts.set(stringifyEntityRef(entity), {
        lastRunState: run?.status ?? 'none',
        ...(at.isValid && {
          lastRunAgeDays: Math.max(0, Math.floor(now.diff(at, 'days').days)),
        }),
        scheduled: Boolean(spec.schedule),
      });
    }
    return facts;
  }
}

/**
 * Adds the Kubeflow facts to the scorecards plugin.
 *
 * @public
 */
export const scorecardsModuleKubeflowFacts = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'kubeflow-facts',
  register(reg) {
    reg.registerInit({
      deps: { scorecards: scorecardsExtensionPoint },
      async init({ scorecards }) {
        scorecards.addFactProviders(new KubeflowFactProvider());
      },
    });
  },
});
