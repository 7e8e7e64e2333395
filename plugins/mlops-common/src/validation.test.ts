import { validateCatalogEntity } from './index';

const model = (metadata: object, spec: object) => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata,
  spec,
});
const spec = {
  type: 'classification',
  lifecycle: 'production',
  owner: 'group:default/fraud-ml',
};

describe('validateCatalogEntity', () => {
  it('returns a valid entity with the default namespace', async () => {
    await expect(
      validateCatalogEntity(
        model(
          { name: 'fraud.detector-v2', title: 'Détecteur « ü » "\\"' },
          spec,
        ),
      ),
    ).resolves.toMatchObject({
      metadata: { name: 'fraud.detector-v2', namespace: 'default' },
    });
    await expect(
      validateCatalogEntity({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'svc' },
        spec: { type: 'service', lifecycle: 'production', owner: 'a' },
      }),
    ).resolves.toBeTruthy();
  });

  it('names the field the kind schema refuses', async () => {
    const { owner: _, ...noOwner } = spec;
    await expect(
      validateCatalogEntity(model({ name: 'm' }, noOwner)),
    ).rejects.toThrow(/owner/);
    await expect(
      validateCatalogEntity(
        model({ name: 'm' }, { ...spec, metrics: { auc: 'high' } }),
      ),
    ).rejects.toThrow(/metrics/);
  });

  it("names the field Backstage's entity policies refuse", async () => {
    await expect(
      validateCatalogEntity(model({ name: 'bad name!' }, spec)),
    ).rejects.toThrow(/metadata\.name/);
    await expect(
      validateCatalogEntity({ ...model({ name: 'm' }, spec), extra: 1 }),
    ).rejects.toThrow(/extra/);
  });

  it('refuses an unknown kind, naming it', async () => {
    await expect(
      validateCatalogEntity({ ...model({ name: 'm' }, spec), kind: 'Widget' }),
    ).rejects.toThrow('unknown kind convergence.dev/v1alpha1/Widget');
  });
});
