import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import {
  MLOPS_KINDS,
  MlopsKind,
} from '@convergence/backstage-plugin-mlops-common';
import { normalizeEntityRef } from '@convergence/backstage-plugin-mlops-node';

/** `kind:namespace/name` in lower case, as the catalog compares refs. */
export const refOf = (entity: Entity | CompoundEntityRef) =>
  normalizeEntityRef(stringifyEntityRef(entity));

/**
 * An entity reference from an action's input; an InputError naming the
 * field when it is not one. The namespace defaults to `default`.
 */
export function parseInputRef(
  value: string,
  field: string,
  defaultKind?: string,
): CompoundEntityRef {
  try {
    return parseEntityRef(value, { defaultKind, defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(
      `${field}: ${JSON.stringify(value)} is not an entity reference (${
        (error as Error).message
      })`,
    );
  }
}

/** The ML kind as its entities spell it, or undefined for any other kind. */
export function mlopsKind(kind: unknown): MlopsKind | undefined {
  if (typeof kind !== 'string') return undefined;
  const lower = kind.toLocaleLowerCase('en-US');
  return MLOPS_KINDS.find(k => k.toLocaleLowerCase('en-US') === lower);
}

/** How the ML kinds are listed in messages. */
export const ML_KINDS_TEXT = `${MLOPS_KINDS.slice(0, -1).join(', ')} or ${
  MLOPS_KINDS[MLOPS_KINDS.length - 1]
}`;

/** The attributes of an action that only reads. */
export const READ_ONLY = {
  readOnly: true,
  idempotent: true,
  destructive: false,
} as const;

/** An action's input field that names an entity; `description` gives an example. */
export const entityRefField = (z: typeof zod, description: string) =>
  z.string().min(1).describe(description);

/** The fields that describe an entity in an action's output. */
export const entitySummaryFields = (z: typeof zod) => ({
  entityRef: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  title: z.string().optional(),
  type: z.string().optional(),
  owner: z.string().optional(),
  lifecycle: z.string().optional(),
});
