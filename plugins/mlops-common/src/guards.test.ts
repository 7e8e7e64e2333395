import { Entity } from '@backstage/catalog-model';
import {
  isDatasetEntity,
  isMlopsEntity,
  isModelEntity,
  isPipelineEntity,
  MLOPS_API_VERSION,
  MLOPS_KINDS,
  MLOPS_RELATION_FIELDS,
} from './index';

const entity = (kind: string, apiVersion = MLOPS_API_VERSION): Entity => ({
  apiVersion,
  kind,
  metadata: { name: 'fraud-detector' },
  spec: {},
});

describe('MLOPS_KINDS', () => {
  it('lists the three ML kinds, the kinds the relation table uses', () => {
    expect(MLOPS_KINDS).toEqual(['Model', 'Dataset', 'Pipeline']);
    for (const f of MLOPS_RELATION_FIELDS) {
      expect(MLOPS_KINDS).toContain(f.kind);
    }
  });
});

describe('guards', () => {
  const guards = {
    Model: isModelEntity,
    Dataset: isDatasetEntity,
    Pipeline: isPipelineEntity,
  };

  it.each(MLOPS_KINDS)(
    'recognise %s in any letter case, as the catalog compares kinds',
    kind => {
      for (const spelling of [
        kind,
        kind.toLowerCase(),
        kind.toUpperCase(),
        kind[0].toLowerCase() + kind.slice(1).toUpperCase(),
      ]) {
        const e = entity(spelling);
        expect(guards[kind](e)).toBe(true);
        expect(isMlopsEntity(e)).toBe(true);
        for (const other of MLOPS_KINDS.filter(k => k !== kind)) {
          expect(guards[other](e)).toBe(false);
        }
      }
    },
  );

  it('refuse other kinds and other apiVersions', () => {
    for (const e of [
      entity('Component'),
      entity('Group'),
      entity('Models'),
      entity('İModel'),
      entity('Model', 'backstage.io/v1alpha1'),
      entity('Dataset', 'convergence.dev/v1beta1'),
      entity('Pipeline', ''),
    ]) {
      expect(isModelEntity(e)).toBe(false);
      expect(isDatasetEntity(e)).toBe(false);
      expect(isPipelineEntity(e)).toBe(false);
      expect(isMlopsEntity(e)).toBe(false);
    }
  });

  it('narrow the type', () => {
    const e: Entity = {
      ...entity('Model'),
      spec: { trainedOn: ['dataset:default/payments'] },
    };
    if (!isModelEntity(e)) throw new Error('not a model');
    expect(e.spec.trainedOn).toEqual(['dataset:default/payments']);
  });
});
