import { Entity } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import {
  isModelEntity,
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
} from '@convergence/backstage-plugin-mlops-common';
import {
  createScorecardsFactsModule,
  EntityFactProvider,
  wholeDaysSince,
} from '@convergence/backstage-plugin-scorecards-node';

/**
 * Facts about models read from MLflow, under `facts.mlflow`: `metrics` (the
 * headline version's metrics, e.g. `facts.mlflow.metrics.auc`),
 * `headlineVersion`, `versions` (how many were read), `hasHeadline` and
 * `newestVersionAgeDays`.
 *
 * @public
 */
export class MlflowFactProvider extends EntityFactProvider {
  readonly id = 'mlflow';

  protected factsOf(entity: Entity, now: Date) {
    if (!isModelEntity(entity)) return undefined;
    if (!entity.metadata.annotations?.[MLFLOW_REGISTERED_MODEL_ANNOTATION])
      return undefined;
    const { spec } = entity;
    const versions = spec.versions ?? [];
    const headline = versions.find(
      v => v.metrics && spec.metrics && sameMetrics(v.metrics, spec.metrics),
    );
    const newest = DateTime.fromISO(versions[0]?.createdAt ?? '', {
      zone: 'utc',
    });
    return {
      metrics: spec.metrics ?? {},
      hasHeadline: Boolean(spec.metrics),
      ...(headline && { headlineVersion: headline.version }),
      versions: versions.length,
      ...(newest.isValid && {
        newestVersionAgeDays: wholeDaysSince(newest.toJSDate(), now),
      }),
    };
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
export const scorecardsModuleMlflowFacts = createScorecardsFactsModule({
  moduleId: 'mlflow-facts',
  factProviders: () => [new MlflowFactProvider()],
});
