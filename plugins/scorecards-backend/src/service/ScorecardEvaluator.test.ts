import { testDatabases } from '../__testUtils__/databases';
import {
  mlflowReadinessConfig,
  oneLevelScorecardConfig,
} from '../__testUtils__/config';
import { createTestStore } from '../__testUtils__/store';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FactProvider } from '@convergence/backstage-plugin-scorecards-node';
import { withCatalogRelations } from '../__testUtils__/catalogRelations';
import { LineageFactProvider } from './LineageFactProvider';
import { builtinChecks } from '../checks/builtin';
import { readDeclarativeChecks } from '../checks/declarative';
import { readDefinitions } from '../engine/definitions';
import { ScorecardEvaluator } from './ScorecardEvaluator';

const databases = testDatabases();

const model = (name: string, extra: Partial<Entity['metadata']> = {}) =>
  ({
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Model',
    metadata: {
      name,
      namespace: 'default',
      description: `${name} model`,
      etag: `${name}-1`,
      ...extra,
    },
    spec: {
      type: 'classification',
      lifecycle: 'experimental',
      owner: 'group:default/fraud-ml',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/fraud-ml' }],
  } as Entity);

const config = new ConfigReader(mlflowReadinessConfig);

const fraudMl = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'fraud-ml', namespace: 'default', etag: 'g-1' },
  spec: { type: 'team', children: [] },
} as Entity;

describe.each(databases.eachSupportedId())(
  'ScorecardEvaluator on %s',
  databaseId => {
    async function setup(options: {
      catalog: () => Entity[];
      factProviders?: FactProvider[];
      /** Adds the lineage fact provider, reading the same catalog. */
      lineage?: boolean;
      /** Instead of mlflowReadinessConfig. */
      config?: ConfigReader;
      /** Fails the catalog's stream after its first page. */
      streamFails?: () => boolean;
    }) {
      const { store } = await createTestStore(databases, databaseId);
      const cfg = options.config ?? config;
      const checks = new Map(
        [...builtinChecks, ...readDeclarativeChecks(cfg)].map(c => [c.id, c]),
      );
      const logger = mockServices.logger.mock();
      // The catalog as it is now (options.catalog() may change between passes).
      const current = (): any =>
        catalogServiceMock({ entities: options.catalog() });
      const calls = {
        getEntitiesByRefs: [] as string[][],
        stream: [] as any[],
      };
      const catalog = {
        getEntityByRef: (...args: any[]) => current().getEntityByRef(...args),
        getEntities: (...args: any[]) => current().getEntities(...args),
        getEntitiesByRefs: (...args: any[]) => {
          calls.getEntitiesByRefs.push(args[0].entityRefs);
          return current().getEntitiesByRefs(...args);
        },
        streamEntities: async function* stream(...args: any[]) {
          calls.stream.push(args[0]);
          for await (const page of current().streamEntities(...args)) {
            yield page;
            if (options.streamFails?.()) throw new Error('catalog went away');
          }
        },
      } as any;
      // Each evaluation one second after the one before.
      let clock = Date.parse('2026-11-27T06:00:00Z');
      const auth = mockServices.auth();
      const evaluator = new ScorecardEvaluator({
        scorecards: readDefinitions(cfg, new Set(checks.keys())),
        checks,
        factProviders: [
          ...(options.factProviders ?? []),
          ...(options.lineage
            ? [LineageFactProvider.fromCatalog(catalog, auth)]
            : []),
        ],
        store,
        catalog,
        auth,
        logger,
        now: () => new Date((clock += 1000)),
      });
      return { evaluator, store, logger, calls };
    }

    it('logs a failing fact provider once per evaluation, not once per batch', async () => {
      const many = Array.from({ length: 1001 }, (_, i) => model(`m${i}`));
      let calls = 0;
      const { evaluator, store, logger } = await setup({
        catalog: () => many,
        factProviders: [
          {
            id: 'mlflow',
            getFacts: async () => {
              calls += 1;
              throw new Error('connect ECONNREFUSED 127.0.0.1:5000');
            },
          },
        ],
      });
      expect(await evaluator.evaluateAll()).toBe(1001);
      expect(calls).toBe(3); // three batches of at most 500
      const warnings = logger.warn.mock.calls.filter(([m]) =>
        String(m).includes('mlflow'),
      );
      expect(warnings).toEqual([
        [
          'Fact provider mlflow failed; the checks that read its facts are unknown in this evaluation: Error: connect ECONNREFUSED 127.0.0.1:5000',
        ],
      ]);
      const [last] = await store.getResults(['model:default/m1000']);
      expect(last.checks[1]).toMatchObject({
        checkId: 'mlflow-auc',
        status: 'unknown',
      });
      // The next evaluation logs it again.
      await evaluator.evaluateAll();
      expect(
        logger.warn.mock.calls.filter(([m]) => String(m).includes('mlflow')),
      ).toHaveLength(2);
    });

    it('grades each entity with the entities its relations point at, on whichever page the catalog lists them', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const ownedByGroup = new ConfigReader(
        oneLevelScorecardConfig({ id: 'owned', title: 'Owned' }, 'Owned', [
          'owner-is-group',
        ]),
      );
      const checks = new Map(builtinChecks.map(c => [c.id, c]));
      const orphan = {
        ...model('orphan'),
        relations: [{ type: 'ownedBy', targetRef: 'group:default/ghost' }],
      };
      // The models on the first pages (500 each), their owner on the last.
      const entities = [
        orphan,
        ...Array.from({ length: 1100 }, (_, i) => model(`m${i}`)),
        fraudMl,
      ];
      const pages: number[] = [];
      const evaluator = new ScorecardEvaluator({
        scorecards: readDefinitions(ownedByGroup, new Set(checks.keys())),
        checks,
        factProviders: [],
        store,
        catalog: {
          streamEntities: async function* stream(...args: any[]) {
            for await (const page of catalogServiceMock({
              entities,
            }).streamEntities(...(args as [any, any]))) {
              pages.push(page.length);
              yield page;
            }
          },
        } as any,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      });
      expect(await evaluator.evaluateAll()).toBe(1101);
      expect(pages).toEqual([500, 500, 102]);
      const levels = (await store.findResults({}, 2000)).map(
        r => `${r.entityRef} ${r.level} ${r.checks[0].message ?? ''}`,
      );
      expect(levels).toHaveLength(1101);
      expect(levels.filter(l => !l.includes(' Owned '))).toEqual([
        'model:default/orphan null owner group:default/ghost is not in the catalog',
      ]);
    });

    it('removes the results of entities no longer graded, after a complete pass only', async () => {
      let catalog = [
        model('kept'),
        model('deleted'),
        model('becomes-a-dataset'),
      ];
      let streamFails = false;
      const { evaluator, store } = await setup({
        catalog: () => catalog,
        streamFails: () => streamFails,
      });
      await evaluator.evaluateAll();
      const graded = async () =>
        (await store.findResults({}, 100)).map(r => r.entityRef).sort();
      expect(await graded()).toEqual([
        'model:default/becomes-a-dataset',
        'model:default/deleted',
        'model:default/kept',
      ]);

      catalog = [
        model('kept'),
        { ...model('becomes-a-dataset'), kind: 'Dataset' },
      ];
      // A pass that fails midway removes nothing.
      streamFails = true;
      await expect(evaluator.evaluateAll()).rejects.toThrow(
        'catalog went away',
      );
      expect(await graded()).toHaveLength(3);

      streamFails = false;
      await evaluator.evaluateAll();
      // The scorecard grades Models only: the Dataset is no longer graded.
      expect(await graded()).toEqual(['model:default/kept']);
      const [summary] = await store.summarize({
        ownerRefs: ['group:default/fraud-ml'],
      });
      expect(summary.entities).toBe(1);
    });

    it('fails a pass whose save of any batch fails, and then removes nothing', async () => {
      // More than two batches: the first saves while the next is graded.
      const names = Array.from({ length: 1100 }, (_, i) => `m${i}`);
      let catalog = [fraudMl, ...names.map(n => model(n))];
      const { evaluator, store } = await setup({ catalog: () => catalog });
      await evaluator.evaluateAll();
      expect(await store.findResults({}, 2000)).toHaveLength(1100);
      const lastFullPass = await store.lastFullPass();

      // m0 is gone; the second batch's save fails.
      catalog = [fraudMl, ...names.slice(1).map(n => model(n))];
      const saveResults = store.saveResults.bind(store);
      let saves = 0;
      jest.spyOn(store, 'saveResults').mockImplementation(async results => {
        saves++;
        if (saves === 2) throw new Error('database went away');
        return saveResults(results);
      });
      await expect(evaluator.evaluateAll()).rejects.toThrow(
        'database went away',
      );
      expect(await store.findResults({}, 2000)).toHaveLength(1100);
      expect(await store.lastFullPass()).toEqual(lastFullPass);
    });

    it('waits with the incremental pass until a full pass has completed', async () => {
      let streamFails = false;
      const { evaluator, store, calls } = await setup({
        catalog: () => [model('a'), model('b')],
        streamFails: () => streamFails,
      });
      expect(await evaluator.evaluateChanged()).toBe(0);
      // It does not even list the catalog.
      expect(calls.stream).toEqual([]);
      // An entity refreshed on demand records its version: still no pass.
      await evaluator.evaluateOne('model:default/a');
      expect(await evaluator.evaluateChanged()).toBe(0);
      // Nor after a full pass that failed midway.
      streamFails = true;
      await expect(evaluator.evaluateAll()).rejects.toThrow(
        'catalog went away',
      );
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(calls.stream).toHaveLength(1);
      expect((await store.findResults({}, 100)).map(r => r.entityRef)).toEqual([
        'model:default/a',
      ]);

      streamFails = false;
      expect(await evaluator.evaluateAll()).toBe(2);
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(calls.stream).toHaveLength(3);
    });

    it('does not let a full pass overwrite what a later pass graded meanwhile', async () => {
      let catalog = [model('racing'), model('other')];
      let inFullPass = false;
      let racedOnce = false;
      let gradedMeanwhile = 0;
      const seen: string[][] = [];
      const { evaluator, store } = await setup({
        catalog: () => catalog,
        factProviders: [
          {
            id: 'race',
            // While the full pass grades its snapshot, the model changes and
            // the incremental pass grades the new version.
            getFacts: async batch => {
              seen.push(batch.map(e => e.metadata.etag!));
              if (inFullPass && !racedOnce) {
                racedOnce = true;
                catalog = [
                  model('racing', { etag: 'racing-2', description: '' }),
                  model('other'),
                ];
                gradedMeanwhile = await evaluator.evaluateChanged();
              }
              return new Map();
            },
          },
        ],
      });
      await evaluator.evaluateAll();
      inFullPass = true;
      seen.length = 0;
      await evaluator.evaluateAll();
      // The full pass graded its snapshot (racing-1); the incremental pass,
      // in the middle of it, the new version.
      expect(seen).toEqual([['racing-1', 'other-1'], ['racing-2']]);
      expect(gradedMeanwhile).toBe(1);
      const [racing] = await store.getResults(['model:default/racing']);
      expect(racing.level).toBeNull();
      expect(racing.checks[0]).toMatchObject({
        checkId: 'has-description',
        status: 'fail',
      });
      // The version recorded is the one graded: nothing left to grade.
      seen.length = 0;
      inFullPass = false;
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(seen).toEqual([]);
      // The full pass graded the others as usual.
      const [other] = await store.getResults(['model:default/other']);
      expect(other.level).toBe('Bronze');
    });

    it('removes no results wholesale when the catalog is empty or half loaded', async () => {
      const full = [fraudMl, ...['a', 'b', 'c', 'd'].map(n => model(n))];
      let catalog: Entity[] = full;
      const { evaluator, store, logger } = await setup({
        catalog: () => catalog,
      });
      const graded = async () =>
        (await store.findResults({}, 100)).map(r => r.entityRef).sort();
      const all = ['a', 'b', 'c', 'd'].map(n => `model:default/${n}`);
      await evaluator.evaluateAll();
      expect(await graded()).toEqual(all);

      // An empty catalog: the incremental pass removes nothing.
      catalog = [];
      await evaluator.evaluateChanged();
      expect(await graded()).toEqual(all);
      expect(logger.warn).toHaveBeenLastCalledWith(
        'Incremental pass: 5 of the 5 known entities are missing from the catalog (0 listed); their results stay until a full pass removes them',
      );
      // Half loaded (3 of 5 known entities missing): nothing either.
      catalog = full.slice(0, 2);
      await evaluator.evaluateChanged();
      expect(await graded()).toEqual(all);
      expect(logger.warn).toHaveBeenCalledTimes(2);
      // One entity deleted: its results go.
      catalog = full.slice(0, 4);
      await evaluator.evaluateChanged();
      expect(await graded()).toEqual(all.slice(0, 3));
      expect(logger.warn).toHaveBeenCalledTimes(2);

      // A full pass over a catalog with nothing to grade removes nothing.
      catalog = [fraudMl];
      expect(await evaluator.evaluateAll()).toBe(0);
      expect(await graded()).toEqual(all.slice(0, 3));
      expect(logger.warn).toHaveBeenLastCalledWith(
        'Full pass: no entity to grade, while results exist; none removed (a catalog that is empty or still loading looks the same)',
      );
      // A full pass that grades something is the authority on the rest.
      catalog = full.slice(0, 2);
      expect(await evaluator.evaluateAll()).toBe(1);
      expect(await graded()).toEqual(all.slice(0, 1));
    });

    it('grades a changed entity once when the listing names it twice', async () => {
      // Paging while the catalog changes can list an entity on two pages.
      let catalog = [fraudMl, model('changed')];
      const { evaluator, store } = await setup({ catalog: () => catalog });
      await evaluator.evaluateAll();
      const changed = model('changed', { etag: 'changed-2', description: '' });
      catalog = [fraudMl, changed, changed];
      expect(await evaluator.evaluateChanged()).toBe(1);
      expect(
        (await store.getResults(['model:default/changed']))[0].checks[0],
      ).toMatchObject({ checkId: 'has-description', status: 'fail' });
    });

    it('grades only new and changed entities in the incremental pass', async () => {
      let catalog = [fraudMl, model('unchanged'), model('changed')];
      const seen: string[][] = [];
      const { evaluator, store, calls } = await setup({
        catalog: () => catalog,
        factProviders: [
          {
            id: 'mlflow',
            getFacts: async batch => {
              seen.push(batch.map(e => e.metadata.name));
              return new Map();
            },
          },
        ],
      });
      await evaluator.evaluateAll();
      expect(seen).toEqual([['unchanged', 'changed']]);
      const evaluatedAt = async (name: string) =>
        (await store.getResults([`model:default/${name}`]))[0]?.evaluatedAt;
      const unchangedAt = await evaluatedAt('unchanged');

      // Nothing changed: nothing is fetched or graded.
      seen.length = 0;
      calls.getEntitiesByRefs.length = 0;
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(seen).toEqual([]);
      expect(calls.getEntitiesByRefs).toEqual([]);
      // It lists refs and etags, not whole entities.
      expect(calls.stream.at(-1).fields).toEqual([
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.etag',
      ]);

      catalog = [
        fraudMl,
        model('unchanged'),
        model('changed', { etag: 'changed-2', description: '' }),
        model('added'),
      ];
      expect(await evaluator.evaluateChanged()).toBe(2);
      expect(seen).toEqual([['changed', 'added']]);
      expect(calls.getEntitiesByRefs[0]).toEqual([
        'model:default/changed',
        'model:default/added',
      ]);
      expect(await store.getResults(['model:default/added'])).toMatchObject([
        { level: 'Bronze', scorecardId: 'mlflow-readiness' },
      ]);
      expect(
        (await store.getResults(['model:default/changed']))[0].checks[0],
      ).toMatchObject({ checkId: 'has-description', status: 'fail' });
      expect(await evaluatedAt('unchanged')).toBe(unchangedAt);

      // Graded once: the next incremental pass has nothing to do.
      seen.length = 0;
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(seen).toEqual([]);

      // A deleted entity's results go with the next incremental pass too.
      catalog = [fraudMl, model('unchanged'), model('added')];
      expect(await evaluator.evaluateChanged()).toBe(0);
      expect(
        (await store.findResults({}, 100)).map(r => r.entityRef).sort(),
      ).toEqual(['model:default/added', 'model:default/unchanged']);
      // And it comes back as new when it reappears.
      catalog = [fraudMl, model('unchanged'), model('added'), model('changed')];
      expect(await evaluator.evaluateChanged()).toBe(1);
    });

    describe('with the lineage fact provider', () => {
      const lineageConfig = new ConfigReader({
        scorecards: {
          definitions: [
            {
              id: 'lineage',
              title: 'Lineage',
              filter: { kind: { $in: ['Model', 'Dataset', 'Component'] } },
              levels: [{ name: 'Bronze', checks: ['upstream-not-deprecated'] }],
            },
          ],
        },
      });
      const ml = (
        kind: string,
        name: string,
        etag: string,
        spec: Record<string, unknown>,
      ) =>
        ({
          apiVersion: 'convergence.dev/v1alpha1',
          kind,
          metadata: { name, namespace: 'default', etag },
          spec: { type: 't', owner: 'group:default/fraud-ml', ...spec },
        } as Entity);
      const estate = (datasetLifecycle: string, datasetEtag: string) =>
        withCatalogRelations([
          fraudMl,
          ml('Dataset', 'card-transactions-2019', datasetEtag, {
            lifecycle: datasetLifecycle,
          }),
          ml('Model', 'fraud-detector', 'm-1', {
            lifecycle: 'production',
            trainedOn: ['dataset:card-transactions-2019'],
          }),
          ml('Model', 'unrelated', 'u-1', { lifecycle: 'production' }),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'fraud-scoring',
              namespace: 'default',
              etag: 'c-1',
            },
            spec: {
              type: 'service',
              lifecycle: 'production',
              owner: 'group:default/fraud-ml',
              dependsOn: ['model:default/fraud-detector'],
            },
          } as Entity,
        ]);

      it('grades again in the incremental pass what is downstream of a changed entity', async () => {
        let catalog = estate('production', 'd-1');
        const { evaluator, store } = await setup({
          catalog: () => catalog,
          lineage: true,
          config: lineageConfig,
        });
        await evaluator.evaluateAll();
        const status = async (ref: string) =>
          (await store.getResults([ref]))[0].checks[0];
        expect(await status('model:default/fraud-detector')).toEqual({
          checkId: 'upstream-not-deprecated',
          status: 'pass',
        });

        // Only the dataset changes (its etag); the model and the service on
        // it are graded again with it, the unrelated model is not.
        catalog = estate('deprecated', 'd-2');
        expect(await evaluator.evaluateChanged()).toBe(3);
        expect(await status('model:default/fraud-detector')).toEqual({
          checkId: 'upstream-not-deprecated',
          status: 'fail',
          message:
            'dataset:default/card-transactions-2019 is deprecated (trainedOn dataset:default/card-transactions-2019)',
          causes: ['dataset:default/card-transactions-2019'],
        });
        expect(await status('component:default/fraud-scoring')).toMatchObject({
          status: 'fail',
          causes: ['dataset:default/card-transactions-2019'],
        });
        // Done: the next incremental pass has nothing to grade.
        expect(await evaluator.evaluateChanged()).toBe(0);

        // The dataset is deleted: the model's trainedOn still names it (from
        // its own spec, so its etag stays), yet it and the service on it are
        // graded again and pass; the deprecated cause is gone.
        catalog = estate('deprecated', 'd-2').filter(
          e => e.metadata.name !== 'card-transactions-2019',
        );
        expect(await evaluator.evaluateChanged()).toBe(2);
        expect(await status('model:default/fraud-detector')).toEqual({
          checkId: 'upstream-not-deprecated',
          status: 'pass',
        });
        expect(await status('component:default/fraud-scoring')).toMatchObject({
          status: 'pass',
        });
        expect(await evaluator.evaluateChanged()).toBe(0);
      });

      it('keeps what the incremental pass graded during a full pass, dependents whose etag did not change too', async () => {
        let catalog = estate('production', 'd-1');
        let inFullPass = false;
        let graded = 0;
        const { evaluator, store } = await setup({
          catalog: () => catalog,
          lineage: true,
          config: lineageConfig,
          factProviders: [
            {
              id: 'race',
              // While the full pass grades its snapshot, the dataset is
              // deprecated and the incremental pass grades it and what is
              // downstream of it (whose etags stay the same).
              getFacts: async () => {
                if (inFullPass) {
                  inFullPass = false;
                  catalog = estate('deprecated', 'd-2');
                  graded = await evaluator.evaluateChanged();
                }
                return new Map();
              },
            },
          ],
        });
        await evaluator.evaluateAll();
        inFullPass = true;
        await evaluator.evaluateAll();
        expect(graded).toBe(3);
        // Not overwritten with the snapshot's verdict (pass).
        const [fraud] = await store.getResults([
          'model:default/fraud-detector',
        ]);
        expect(fraud.checks[0]).toMatchObject({ status: 'fail' });
        expect(await evaluator.evaluateChanged()).toBe(0);
        // The second full pass recorded nothing for the unchanged entities:
        // their versions keep the first pass's time.
        const secondStarted = (await store.lastFullPass())!;
        expect(
          [
            ...(await store.entityVersionsSeenSince(
              [
                'model:default/unrelated',
                'group:default/fraud-ml',
                'model:default/fraud-detector',
              ],
              secondStarted,
            )),
          ].sort(),
        ).toEqual(['model:default/fraud-detector']);
      });

      it('stores how many entities are downstream, and ranks failing checks by the entities they affect', async () => {
        const catalog = estate('deprecated', 'd-1');
        const { evaluator, store } = await setup({
          catalog: () => catalog,
          lineage: true,
          config: new ConfigReader({
            scorecards: {
              definitions: [
                {
                  id: 'lineage',
                  title: 'Lineage',
                  filter: { kind: { $in: ['Model', 'Component'] } },
                  levels: [
                    {
                      name: 'Bronze',
                      checks: ['has-description', 'upstream-not-deprecated'],
                    },
                  ],
                },
              ],
            },
          }),
        });
        await evaluator.evaluateAll();
        const [summary] = await store.summarize({});
        // has-description fails all three (none has one), affecting them
        // and the service downstream of the model: 4. upstream-not-deprecated
        // fails two, affecting them and the service: 3.
        expect(summary.topFailingChecks).toEqual([
          { checkId: 'has-description', failing: 3, affects: 4 },
          { checkId: 'upstream-not-deprecated', failing: 2, affects: 3 },
        ]);
      });
    });
  },
);
