/*
 * The portal's search with app-config.yaml's settings: Backstage's search
 * plugin, catalog and TechDocs collators, and this backend's Lunr engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import searchModuleTechDocsCollator from '@backstage/plugin-search-backend-module-techdocs';
import { loadAppConfig } from '../__testUtils__/appConfig';
import { searchModuleLunrEngine } from './searchEngine';

// A catalog with no documentation: no entity has backstage.io/techdocs-ref.
const entities = [
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Model',
    metadata: {
      name: 'fraud-detector',
      namespace: 'default',
      description: 'Scores card transactions for fraud',
    },
    spec: { type: 'classification', owner: 'group:default/fraud-ml' },
  },
];

/** The search backend configured as the portal is, on the given SQLite folder. */
async function startSearch(sqliteDirectory: string) {
  const appConfig = await loadAppConfig();
  return startTestBackend({
    features: [
      searchPlugin,
      searchModuleLunrEngine,
      searchModuleCatalogCollator,
      searchModuleTechDocsCollator,
      catalogServiceMock.factory({ entities }),
      // The real database and scheduler: the schedule is kept in SQLite files.
      databaseServiceFactory,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: 'http://localhost:7007',
            database: {
              client: appConfig.getString('backend.database.client'),
              connection: { directory: sqliteDirectory },
            },
          },
          search: appConfig.getOptional('search') ?? {},
        },
      }),
    ],
  });
}

/** Polls the query until it finds something; returns the documents' titles. */
async function eventuallyFound(server: any, query: string) {
  for (;;) {
    const res = await request(server).get(`/api/search/query?${query}`);
    expect(res.status).toBe(200);
    if (res.body.results.length > 0) {
      return res.body.results.map((r: any) => r.document.title);
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('search', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'search-'));
  });
  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('finds catalog entities, and answers an empty list for TechDocs when no documentation exists', async () => {
    // The collators' first run comes a few seconds after start.
    const backend = await startSearch(directory);
    try {
      expect(
        await eventuallyFound(
          backend.server,
          'term=fraud&types[0]=software-catalog',
        ),
      ).toEqual(['fraud-detector']);
      // The Search page counts each result type; TechDocs has no index.
      const docs = await request(backend.server).get(
        '/api/search/query?term=fraud&types[0]=techdocs&pageLimit=0',
      );
      expect(docs.status).toBe(200);
      expect(docs.body).toMatchObject({ results: [], numberOfResults: 0 });
      const all = await request(backend.server).get(
        '/api/search/query?term=fraud',
      );
      expect(all.status).toBe(200);
      expect(all.body.results).toHaveLength(1);
      // A type no collator declares is still refused.
      const unknown = await request(backend.server).get(
        '/api/search/query?term=fraud&types[0]=nothing',
      );
      expect(unknown.status).toBe(400);
    } finally {
      await backend.stop();
    }
  }, 60_000);

  it('indexes the catalog again at once after a restart, although the task schedule is kept in the database', async () => {
    const first = await startSearch(directory);
    await eventuallyFound(first.server, 'term=fraud');
    await first.stop();

    // Lunr's index lives in memory: the new process must collate again now,
    // not when the last process's next run (10 minutes on) falls due. Jest's
    // timeout fails this test if it never does.
    const second = await startSearch(directory);
    try {
      expect(await eventuallyFound(second.server, 'term=fraud')).toEqual([
        'fraud-detector',
      ]);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
