import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import schema from '../schema/Model.v1alpha1.schema.json';
import { MLOPS_API_VERSION, MlopsEntitySpecBase } from './common';

/**
 * One registered version of a model.
 *
 * @public
 */
export type ModelVersion = {
  version: string;
  aliases?: string[];
  status?: string;
  runId?: string;
  source?: string;
  metrics?: Record<string, number>;
  /** Training parameters of the version's run. */
  params?: Record<string, string>;
  /** ISO-8601 timestamp. */
  createdAt?: string;
};

/**
 * A model card; each field is Markdown.
 *
 * @public
 */
export type ModelCard = {
  intendedUse?: string;
  limitations?: string;
  ethicalConsiderations?: string;
  /** Which personal data the training data holds and how the model is kept from exposing it. */
  personalData?: string;
  trainingData?: string;
  evaluationData?: string;
};

/**
 * A machine-learning model in the catalog.
 *
 * @public
 */
export interface ModelEntityV1alpha1 extends Entity {
  apiVersion: typeof MLOPS_API_VERSION;
  kind: 'Model';
  spec: MlopsEntitySpecBase & {
    framework?: string;
    /** SPDX license identifier. */
    license?: string;
    task?: string;
    trainedOn?: string[];
    evaluatedOn?: string[];
    producedBy?: string;
    baseModel?: string;
    versions?: ModelVersion[];
    metrics?: Record<string, number>;
    card?: ModelCard;
  };
}

/**
 * The JSON schema of the Model kind.
 *
 * @public
 */
export const modelEntityV1alpha1Schema = schema;

/**
 * Validates a Model entity: returns it when valid, `false` when it is not a
 * Model, and throws a TypeError naming the offending field otherwise.
 *
 * @public
 */
export const modelEntityV1alpha1Validator =
  entityKindSchemaValidator<ModelEntityV1alpha1>(schema);
