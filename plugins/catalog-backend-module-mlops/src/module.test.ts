import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import unprocessedModule from '@backstage/plugin-catalog-backend-module-unprocessed';
import request from 'supertest';
import path from 'path';
import { catalogModuleMlops } from './module';

// The real catalog, loading a file that mixes valid and malformed ML entities.
jest.setTimeout(60_000);

describe('catalogModuleMlops in the catalog', () => {
  let server: any;
  let stop: () => Promise<void>;

  const get = (url: string) => request(server).get(url);

  async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 150; i++) {
      const value = await fn();
      if (value !== undefined) return value;
      await new Promise(r => setTimeout(r, 200));
    }
    throw new Error('timed out waiting for the catalog');
  }

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMlops,
        unprocessedModule,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: ['Group', 'Location', 'Model', 'Dataset', 'Pipeline'],
                },
              ],
              locations: [
                {
                  type: 'file',
                  target: path.resolve(__dirname, '__fixtures__/mixed.yaml'),
                },
              ],
              processingInterval: { seconds: 1 },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 30_000);

  afterAll(() => stop());

  it('loads the valid entities with their relations in both directions', async () => {
    const model = await until(async () => {
      const res = await get(
        '/api/catalog/entities/by-name/model/default/fraud-detector',
      );
      const rels =
        res.body?.relations?.map((r: any) => `${r.type} ${r.targetRef}`) ?? [];
      return rels.length >= 3 ? res.body : undefined;
    });
    expect(
      model.relations.map((r: any) => `${r.type} ${r.targetRef}`).sort(),
    ).toEqual([
      'ownedBy group:default/fraud-ml',
      'producedBy pipeline:default/fraud-training',
      'trainedOn dataset:default/card-transactions',
    ]);

    const dataset = await until(async () => {
      const res = await get(
        '/api/catalog/entities/by-name/dataset/default/card-transactions',
      );
      const rels =
        res.body?.relations?.map((r: any) => `${r.type} ${r.targetRef}`) ?? [];
      return rels.includes('trainingDataOf model:default/fraud-detector') &&
        rels.includes('consumedBy pipeline:default/fraud-training')
        ? rels
        : undefined;
    });
    expect(dataset).toContain('ownedBy group:default/fraud-ml');

    const pipeline = await until(async () => {
      const res = await get(
        '/api/catalog/entities/by-name/pipeline/default/fraud-training',
      );
      const rels =
        res.body?.relations?.map((r: any) => `${r.type} ${r.targetRef}`) ?? [];
      return rels.includes('produces model:default/fraud-detector')
        ? rels
        : undefined;
    });
    expect(pipeline).toContain('consumes dataset:default/card-transactions');

    const group = await until(async () => {
      const res = await get(
        '/api/catalog/entities/by-name/group/default/fraud-ml',
      );
      const rels =
        res.body?.relations?.map((r: any) => `${r.type} ${r.targetRef}`) ?? [];
      return rels.includes('ownerOf model:default/fraud-detector')
        ? rels
        : undefined;
    });
    expect(group).toContain('ownerOf dataset:default/card-transactions');
  });

  it('rejects the malformed entities and reports the field', async () => {
    // An entity that never passed validation has no final entity yet, so the
    // catalog lists it, with its processing errors, among the pending ones.
    const failed = await until(async () => {
      const entities = [];
      for (const reason of ['failed', 'pending']) {
        const res = await get(`/api/catalog/entities/unprocessed/${reason}`);
        entities.push(...(res.body?.entities ?? []));
      }
      const withErrors = entities.filter((e: any) => e.errors?.length);
      return withErrors.length >= 2 ? withErrors : undefined;
    });
    const errorsByName = Object.fromEntries(
      failed.map((e: any) => [
        e.unprocessed_entity.metadata.name,
        e.errors.map((err: any) => err.message).join('\n'),
      ]),
    );
    expect(errorsByName['broken-training-data']).toContain(
      '/spec/trainedOn must be array',
    );
    expect(errorsByName.ownerless).toContain(
      "must have required property 'owner'",
    );

    for (const name of ['broken-training-data', 'ownerless']) {
      const res = await get(
        `/api/catalog/entities/by-name/model/default/${name}`,
      );
      expect(res.status).toBe(404);
    }
  });
});
