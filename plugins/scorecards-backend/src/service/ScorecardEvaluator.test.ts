import {
  createTestDatabases,
  postgresPresentWhenRequired,
} from '../__testUtils__/databases';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FactProvider } from '@convergence/backstage-plugin-scorecards-node';
import { builtinChecks } from '../checks/builtin';
import { readDeclarativeChecks } from '../checks/declarative';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { readDefinitions } from '../engine/definitions';
import { ScorecardEvaluator } from './ScorecardEvaluator';

const databases = createTestDatabases();

it('runs on PostgreSQL whenever the test command provides it', () => {
  expect(postgresPresentWhenRequired(databases)).toBe(true);
});

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

const config = new ConfigReader({
  scorecards: {
    checks: [
      {
        id: 'mlflow-auc',
        title: 'AUC of at least 0.9 in MLflow',
        appliesTo: { kind: 'Model' },
        thresholds: [{ path: 'facts.mlflow.metrics.auc', min: 0.9 }],
      },
    ],
    definitions: [
      {
        id: 'mlflow-readiness',
        title: 'MLflow readiness',
        filter: { kind: 'Model' },
        levels: [
          { name: 'Bronze', checks: ['has-description'] },
          { name: 'Silver', checks: ['mlflow-auc'] },
        ],
      },
    ],
  },
});

describe.each(databases.eachSupportedId())(
  'ScorecardEvaluator on %s',
  databaseId => {
    async function setup(options: {
      catalog: () => Entity[];
      factProviders?: FactProvider[];
      /** Fails the catalog's stream after its first page. */
      streamFails?: () => boolean;
    }) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseScorecardStore.create({
        database: mockServices.database({ knex }),
      });
      const checks = new Map(
        [...builtinChecks, ...readDeclarativeChecks(config)].map(c => [
          c.id,
          c,
        ]),
      );
      const logger = mockServices.logger.mock();
      // The catalog as it is now (options.catalog() may change between passes).
      const current = (): any =>
        catalogServiceMock({ entities: options.catalog() });
      const catalog = {
        getEntityByRef: (...args: any[]) => current().getEntityByRef(...args),
        getEntitiesByRefs: (...args: any[]) =>
          current().getEntitiesByRefs(...args),
        streamEntities: async function* stream(...args: any[]) {
          for await (const page of current().streamEntities(...args)) {
            yield page;
            if (options.streamFails?.()) throw new Error('catalog went away');
          }
        },
      } as any;
      // Each evaluation one second after the one before.
      let clock = Date.parse('2026-11-27T06:00:00Z');
      const evaluator = new ScorecardEvaluator({
        scorecards: readDefinitions(config, new Set(checks.keys())),
        checks,
        factProviders: options.factProviders ?? [],
        store,
        catalog,
        auth: mockServices.auth(),
        logger,
        now: () => new Date((clock += 1000)),
      });
      return { evaluator, store, logger };
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
  },
);
