import { Entity } from '@backstage/catalog-model';

/** The team the generated entities belong to, as the catalog has it. */
export const fraudMlGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'fraud-ml', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** A model in the catalog, owned by fraud-ml, that generated services depend on. */
export const fraudDetectorModel: Entity = {
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name: 'fraud-detector', namespace: 'default' },
  spec: {
    type: 'classification',
    lifecycle: 'production',
    owner: 'fraud-ml',
  },
};
