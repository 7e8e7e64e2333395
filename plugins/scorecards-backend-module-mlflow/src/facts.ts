import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import {
  isModelEntity,
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
} from '@convergence/backstage-plugin-mlops-common';
import {
  FactProvider,
  scorecardsExtensionPoint,
} from '@convergence/backstage-plugin-scorecards-node';

/**
 * Facts about models read from MLflow, under `facts.mlflow`: `metrics` (the
 * headline version's metrics, e.g. `facts.mlflow.metrics.auc`),
 * `headlineVersion`, `versions` (how many were read), `hasHeadline` and
 * `newestVersionAgeDays`.
 *
 * @public
 */
export class MlflowFactProvider implements FactProvider {
  readonly id = 'mlflow';

  constructor(private readonly now: () => Date = () => new Date()) {}

  async getFacts(entities: Entity[]) {
    const facts = new Map<string, Record<string, unknown>>();
    for (const entity of entities) {
      if (!isModelEntity(entity)) continue;
      if (!entity.metadata.annotations?.[MLFLOW_REGISTERED_MODEL_ANNOTATION])
        continue;
      const { spec } = entity;
      const versions = spec.versions ?? [];
      const headline = versions.find(
        v => v.metrics && spec.metrics && sameMetrics(v.metrics, spec.metrics),
      );
      const newest = DateTime.fromISO(versions[0]?.createdAt ?? '', {
        zone: 'utc',
      });
      facts.set(stringifyEntityRef(entity), {
        metrics: spec.metrics ?? {},
        hasHeadline: Boolean(spec.metrics),
        ...(headline && { headlineVersion: headline.version }),
        versions: versions.length,
        ...(newest.isValid && {
          newestVersionAgeDays: Math.max(
            0,
            Math.floor(
              DateTime.fromJSDate(this.now(), { zone: 'utc' }).diff(
                newest,
                'days',
              ).days,
            ),
          ),
        }),
      });
    }
    return facts;
  }
}

function sameMetrics(a: Record<string, number>, b: Record<string, number>) {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k])
  );
}

/**
 * Adds the MLflow facts to the scorecards plugin.
 *
 * @public
 */
export const scorecardsModuleMlflowFacts = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'mlflow-facts',
  register(reg) {
    reg.registerInit({
      deps: { scorecards: scorecardsExtensionPoint },
      async init({ scorecards }) {
        scorecards.addFactProviders(new MlflowFactProvider());
      },
    });
  },
});
