import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import schema from '../schema/Pipeline.v1alpha1.schema.json';
import { MLOPS_API_VERSION, MlopsEntitySpecBase } from './common';

/**
 * The most recent run of a pipeline, as reported by its orchestrator.
 *
 * @public
 */
export type PipelineRun = {
  /** e.g. succeeded, failed, running, cancelled. */
  status: string;
  startedAt?: string;
  finishedAt?: string;
  url?: string;
};

/**
 * A training, evaluation or data pipeline in the catalog.
 *
 * @public
 */
export interface PipelineEntityV1alpha1 extends Entity {
  apiVersion: typeof MLOPS_API_VERSION;
  kind: 'Pipeline';
  spec: MlopsEntitySpecBase & {
    orchestrator?: string;
    /** Five-field cron expression or a macro such as `@daily`. */
    schedule?: string;
    consumes?: string[];
    produces?: string[];
    lastRun?: PipelineRun;
  };
}

/**
 * The JSON schema of the Pipeline kind.
 *
 * @public
 */
export const pipelineEntityV1alpha1Schema = schema;

/**
 * Validates a Pipeline entity: returns it when valid, `false` when it is not a
 * Pipeline, and throws a TypeError naming the offending field otherwise.
 *
 * @public
 */
export const pipelineEntityV1alpha1Validator =
  entityKindSchemaValidator<PipelineEntityV1alpha1>(schema);
