import { Entity } from '@backstage/catalog-model';

/**
 * The apiVersion of the Convergence kinds.
 *
 * @public
 */
export const MLOPS_API_VERSION = 'convergence.dev/v1alpha1';

/**
 * The Convergence ML kinds, as their entities spell them.
 *
 * @public
 */
export const MLOPS_KINDS = ['Model', 'Dataset', 'Pipeline'] as const;

/**
 * One of {@link MLOPS_KINDS}.
 *
 * @public
 */
export type MlopsKind = (typeof MLOPS_KINDS)[number];

/**
 * Spec fields shared by Model, Dataset and Pipeline.
 *
 * @public
 */
export type MlopsEntitySpecBase = {
  /** The kind of asset, e.g. classification, table, training. */
  type: string;
  /**
   * The lifecycle state, e.g. experimental, production, deprecated (what
   * is downstream of a deprecated entity fails the scorecard check
   * upstream-not-deprecated).
   */
  lifecycle: string;
  /** An entity reference to the owning Group or User. */
  owner: string;
  /** An entity reference to the System the asset belongs to. */
  system?: string;
};

/**
 * Any of the Convergence ML kinds.
 *
 * @public
 */
export type MlopsEntity = Entity & {
  apiVersion: typeof MLOPS_API_VERSION;
  kind: MlopsKind;
  spec: MlopsEntitySpecBase;
};
