import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import schema from '../schema/Dataset.v1alpha1.schema.json';
import { MLOPS_API_VERSION, MlopsEntitySpecBase } from './common';

/**
 * How sensitive a dataset is.
 *
 * @public
 */
export type DatasetClassification =
  | 'public'
  | 'internal'
  | 'confidential'
  | 'restricted';

/**
 * One field of a dataset's schema.
 *
 * @public
 */
export type DatasetField = {
  name: string;
  type: string;
  description?: string;
  /** True when the field holds personal data. */
  pii?: boolean;
};

/**
 * A dataset in the catalog.
 *
 * @public
 */
export interface DatasetEntityV1alpha1 extends Entity {
  apiVersion: typeof MLOPS_API_VERSION;
  kind: 'Dataset';
  spec: MlopsEntitySpecBase & {
    source?: { type: string; uri: string };
    format?: string;
    schema?: { fields: DatasetField[] };
    classification?: DatasetClassification;
    containsPii?: boolean;
    /** ISO-8601 duration, e.g. P90D. */
    retention?: string;
    license?: string;
    derivedFrom?: string[];
    producedBy?: string;
    version?: string;
    digest?: string;
  };
}

/**
 * The JSON schema of the Dataset kind.
 *
 * @public
 */
export const datasetEntityV1alpha1Schema = schema;

/**
 * Validates a Dataset entity: returns it when valid, `false` when it is not a
 * Dataset, and throws a TypeError naming the offending field otherwise.
 *
 * @public
 */
export const datasetEntityV1alpha1Validator =
  entityKindSchemaValidator<DatasetEntityV1alpha1>(schema);
