import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  NOBODY,
  OUTSIDER,
  OWNER,
  servicesAsReadBy,
} from '../__testUtils__/readers';
import {
  LineageNotice,
  LineageResponse,
} from '@convergence/backstage-plugin-mlops-common';
import { NoticeStore } from '../database/NoticeStore';
import { LineageAnswer, LineageService } from './LineageService';

type Rel = [type: string, target: string];
const entity = (
  ref: string,
  owner: string | undefined,
  relations: Rel[],
  etag = '1',
): Entity => {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return {
    apiVersion: 'convergence.dev/v1alpha1',
    kind,
    metadata: { name, namespace, etag, title: `“${name}” ü` },
    spec: { lifecycle: 'production', ...(owner && { owner }) },
    relations: [
      ...(owner ? [{ type: 'ownedBy', targetRef: owner }] : []),
      ...relations.map(([type, targetRef]) => ({ type, targetRef })),
    ],
  };
};

/**
 * The dataset feeds model a directly and a secret pipeline, which produces
 * model b (reachable only through the pipeline) and model c (also reachable
 * through a, as a fine-tune). a and c form a cycle; a service depends on a.
 */
function graph(): Entity[] {
  return [
    entity('Dataset:default/Raw.Events', 'group:default/data', [
      ['consumedBy', 'pipeline:default/secret-p'],
      ['trainingDataOf', 'model:default/a'],
    ]),
    entity('Pipeline:default/secret-p', 'group:default/secret-team', [
      ['produces', 'model:default/c'],
      ['produces', 'model:default/b'],
    ]),
    entity('Model:default/a', 'group:default/team-a', [
      ['baseModelOf', 'model:default/c'],
      ['dependencyOf', 'component:default/svc'],
    ]),
    entity('Model:default/b', 'group:default/team-b', []),
    entity('Model:default/c', undefined, [['baseModelOf', 'model:default/a']]),
    entity('Component:default/svc', 'group:default/team-a', []),
  ];
}

const ROOT = { kind: 'Dataset', namespace: 'default', name: 'Raw.Events' };
const downstream = { direction: 'downstream' as const, depth: 6 };

function setup() {
  let entities = graph();
  const calls: string[] = [];
  const decisionsAsked: string[] = [];
  // Every catalog call and every read decision asked for is recorded.
  const { catalog, permissions } = servicesAsReadBy(() => entities, {
    onCatalogCall: (method, request) =>
      calls.push(
        method === 'getEntitiesByRefs'
          ? `${method} ${request.entityRefs.length}`
          : method,
      ),
    onReadDecision: user => decisionsAsked.push(user),
  });
  const stored: LineageNotice[] = [];
  const store: NoticeStore = {
    insert: async n => void stored.push(n),
    list: async ref => stored.filter(n => n.entityRef === ref).reverse(),
  };
  const send = jest.fn(async (_: any) => {});
  const logger = mockServices.logger.mock();
  const audited: any[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async (options: any) => {
      const event = { options, outcome: undefined as any };
      audited.push(event);
      return {
        success: async (o?: any) => void (event.outcome = { success: o }),
        fail: async (o: any) => void (event.outcome = { fail: o }),
      };
    },
  });
  const service = new LineageService({
    auditor,
    catalog,
    auth: mockServices.auth(),
    permissions,
    logger,
    store,
    notifications: { send },
  });
  return {
    service,
    /** The service's lineage of `root` as `user` sees it. */
    lineageAs: (
      user: string,
      root: Parameters<LineageService['lineage']>[0] = ROOT,
      query: Parameters<LineageService['lineage']>[1] = downstream,
    ) => service.lineage(root, query, mockCredentials.user(user)),
    calls,
    decisionsAsked,
    stored,
    send,
    logger,
    audited,
    setEntities: (next: Entity[]) => {
      entities = next;
    },
    entities: () => entities,
  };
}

function body(answer: LineageAnswer): LineageResponse {
  return 'cached' in answer
    ? JSON.parse(answer.cached.body.toString('utf8'))
    : answer.answer;
}

describe('LineageService', () => {
  it('lists everything downstream, by depth, to a caller who may read all', async () => {
    const { lineageAs } = setup();
    const answer = await lineageAs(OWNER);
    expect('cached' in answer).toBe(true);
    const res = body(answer);
    expect(res.root).toMatchObject({
      entityRef: 'dataset:default/raw.events',
      name: 'Raw.Events',
      title: '“Raw.Events” ü',
    });
    expect(res.entities.map(e => [e.depth, e.entityRef])).toEqual([
      [1, 'model:default/a'],
      [1, 'pipeline:default/secret-p'],
      [2, 'component:default/svc'],
      [2, 'model:default/b'],
      [2, 'model:default/c'],
    ]);
    expect(res.totals).toEqual({
      entities: 5,
      hidden: 0,
      byKind: { Model: 3, Pipeline: 1, Component: 1 },
      byOwner: {
        'group:default/team-a': 2,
        'group:default/team-b': 1,
        'group:default/secret-team': 1,
        unowned: 1,
      },
      owners: 3,
    });
    expect(res.truncated).toBe(false);
    // The shortest path, through the pipeline (first in breadth-first order).
    expect(res.entities.find(e => e.name === 'c')!.path).toEqual([
      { relation: 'consumedBy', entityRef: 'pipeline:default/secret-p' },
      { relation: 'produces', entityRef: 'model:default/c' },
    ]);
  });

  it('counts entities the caller may not read as hidden and never names them', async () => {
    const { lineageAs } = setup();
    const res = body(await lineageAs(OUTSIDER));
    expect(JSON.stringify(res)).not.toContain('secret');
    expect(res.totals.hidden).toBe(1);
    expect(res.totals.entities).toBe(4);
    // b is reached only through the hidden pipeline: listed, hop redacted.
    expect(res.entities.find(e => e.name === 'b')).toMatchObject({
      depth: 2,
      path: [
        { relation: 'consumedBy', hidden: true },
        { relation: 'produces', entityRef: 'model:default/b' },
      ],
    });
    // c has a readable path through a: that one is preferred.
    expect(res.entities.find(e => e.name === 'c')!.path).toEqual([
      { relation: 'trainingDataOf', entityRef: 'model:default/a' },
      { relation: 'baseModelOf', entityRef: 'model:default/c' },
    ]);
    expect(res.totals.byOwner['group:default/secret-team']).toBeUndefined();
  });

  it('answers 404 for a root the caller may not read, or one that does not exist', async () => {
    const { lineageAs, setEntities, entities } = setup();
    for (const [root, user] of [
      [ROOT, NOBODY],
      [{ kind: 'Pipeline', namespace: 'default', name: 'secret-p' }, OUTSIDER],
      [{ kind: 'Model', namespace: 'default', name: 'nope' }, OWNER],
    ] as const) {
      await expect(lineageAs(user, root)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `No entity ${root.kind}:${root.namespace}/${root.name}`,
      });
    }
    setEntities(entities());
  });

  it('answers a repeated query without reading the catalog', async () => {
    const { lineageAs, calls, decisionsAsked } = setup();
    const first = await lineageAs(OWNER);
    expect(calls.length).toBeGreaterThan(0);
    calls.length = 0;
    const again = await lineageAs(OWNER, {
      kind: 'dataset',
      namespace: 'DEFAULT',
      name: 'raw.events',
    });
    expect(calls).toEqual([]);
    expect(decisionsAsked).toEqual([OWNER]);
    // The same bytes and ETag.
    expect(again).toEqual({
      answer: expect.anything(),
      cached: expect.anything(),
    });
    expect('cached' in again && again.cached).toBe(
      'cached' in first && first.cached,
    );
    // Another depth from the same root: a new walk, but over cached nodes.
    await lineageAs(OWNER, ROOT, { direction: 'downstream', depth: 1 });
    expect(calls).toEqual([]);
    // A conditionally allowed caller costs one read of what they may see.
    await lineageAs(OUTSIDER);
    expect(calls).toEqual(['getEntitiesByRefs 6']);
  });

  it('evicts what changed when a refresh sees a new etag', async () => {
    const { lineageAs, service, setEntities } = setup();
    expect(await service.refresh()).toEqual([]); // the first one records
    const before = body(await lineageAs(OWNER));
    expect(before.entities.map(e => e.name)).not.toContain('svc2');

    // a gets a second dependent service: a's etag changes, svc2 appears.
    setEntities([
      ...graph().filter(e => e.metadata.name !== 'a'),
      entity(
        'Model:default/a',
        'group:default/team-a',
        [
          ['baseModelOf', 'model:default/c'],
          ['dependencyOf', 'component:default/svc'],
          ['dependencyOf', 'component:default/svc2'],
        ],
        '2',
      ),
      entity('Component:default/svc2', 'group:default/team-c', []),
    ]);
    // Until the refresh, the cached answer is served.
    const stale = body(await lineageAs(OWNER));
    expect(stale).toEqual(before);

    expect((await service.refresh()).sort()).toEqual([
      'component:default/svc2',
      'model:default/a',
    ]);
    const after = body(await lineageAs(OWNER));
    expect(after.entities.map(e => e.name)).toContain('svc2');
    expect(after.totals.byOwner['group:default/team-c']).toBe(1);

    // Removed: b disappears from the catalog.
    setEntities(graph().filter(e => e.metadata.name !== 'b'));
    expect(await service.refresh()).toEqual(
      expect.arrayContaining(['model:default/b', 'component:default/svc2']),
    );
    const removed = body(await lineageAs(OWNER));
    expect(removed.entities.map(e => e.name).sort()).toEqual([
      'a',
      'c',
      'secret-p',
      'svc',
    ]);
  });

  it('stops at the depth and says so', async () => {
    const { lineageAs } = setup();
    const res = body(
      await lineageAs(OWNER, ROOT, { direction: 'downstream', depth: 1 }),
    );
    expect(res.entities.map(e => e.name)).toEqual(['a', 'secret-p']);
    expect(res.truncated).toBe(true);
  });

  describe('notices', () => {
    const deprecation = {
      type: 'deprecation' as const,
      effectiveDate: '2027-03-01',
      message: 'Use raw.events.v2',
    };

    it('sends one notification per downstream owner and stores the notice', async () => {
      const { service, send, stored, audited } = setup();
      const notice = await service.sendNotice(
        ROOT,
        deprecation,
        mockCredentials.user(OWNER),
      );
      expect(notice).toMatchObject({
        entityRef: 'dataset:default/raw.events',
        type: 'deprecation',
        effectiveDate: '2027-03-01',
        sentBy: OWNER,
        recipients: [
          'group:default/secret-team',
          'group:default/team-a',
          'group:default/team-b',
        ],
      });
      expect(stored).toEqual([notice]);
      // Audited: who (from the request), which entity, which teams; not the message.
      expect(audited).toEqual([
        {
          options: {
            eventId: 'lineage-notice',
            severityLevel: 'medium',
            request: undefined,
            meta: {
              entityRef: 'dataset:default/raw.events',
              type: 'deprecation',
              effectiveDate: '2027-03-01',
            },
          },
          outcome: {
            success: {
              meta: { noticeId: notice.id, recipients: notice.recipients },
            },
          },
        },
      ]);
      expect(JSON.stringify(audited)).not.toContain('raw.events.v2');
      expect(send).toHaveBeenCalledTimes(3);
      expect(send.mock.calls.map(([n]) => n)).toContainEqual({
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: {
          title: 'dataset:default/raw.events is deprecated from 2027-03-01',
          description:
            'Use raw.events.v2\n\n2 entities of group:default/team-a are downstream of dataset:default/raw.events.',
          link: '/catalog/default/dataset/Raw.Events',
          severity: 'normal',
          topic: 'mlops.lineage',
          metadata: {
            noticeId: notice.id,
            entityRef: 'dataset:default/raw.events',
          },
        },
      });
    });

    it('names to a reader only the recipients owning something it may read downstream', async () => {
      const { service } = setup();
      const notice = await service.sendNotice(
        ROOT,
        deprecation,
        mockCredentials.user(OWNER),
      );
      // The outsider may read the dataset but not secret-team's pipeline.
      const { items } = await service.listNotices(
        ROOT,
        mockCredentials.user(OUTSIDER),
      );
      expect(items).toEqual([
        {
          ...notice,
          recipients: ['group:default/team-a', 'group:default/team-b'],
          hiddenRecipients: 1,
        },
      ]);
      expect(JSON.stringify(items)).not.toContain('secret');
      // A reader of everything sees every recipient.
      const all = await service.listNotices(ROOT, mockCredentials.user(OWNER));
      expect(all.items).toEqual([notice]);
    });

    it('refuses anyone but the owners', async () => {
      const { service, send, stored } = setup();
      await expect(
        service.sendNotice(ROOT, deprecation, mockCredentials.user(OUTSIDER)),
      ).rejects.toThrow(
        'only the owners of dataset:default/raw.events may send notices',
      );
      expect(send).not.toHaveBeenCalled();
      expect(stored).toEqual([]);
    });

    it('dates the title of a notice other than a deprecation when it has a date', async () => {
      const { service, send } = setup();
      await service.sendNotice(
        ROOT,
        { type: 'incident', message: 'Leak', effectiveDate: '2026-11-29' },
        mockCredentials.user(OWNER),
      );
      expect(send.mock.calls[0][0].payload.title).toBe(
        'Incident: dataset:default/raw.events (2026-11-29)',
      );
    });

    it('keeps what was sent when some sends fail, and stores nothing when all fail', async () => {
      const { service, send, stored, logger } = setup();
      send.mockImplementation(async (n: any) => {
        if (n.recipients.entityRef === 'group:default/team-b')
          throw new Error('notifications backend down');
      });
      const notice = await service.sendNotice(
        ROOT,
        { type: 'incident', message: 'Leak' },
        mockCredentials.user(OWNER),
      );
      expect(notice.recipients).toEqual([
        'group:default/secret-team',
        'group:default/team-a',
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('could not be sent to group:default/team-b'),
      );
      expect(send.mock.calls[0][0].payload).toMatchObject({
        title: 'Incident: dataset:default/raw.events',
        severity: 'critical',
      });

      send.mockRejectedValue(new Error('down'));
      await expect(
        service.sendNotice(
          ROOT,
          { type: 'personal-data' },
          mockCredentials.user(OWNER),
        ),
      ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
      expect(stored).toEqual([notice]);
    });

    it('refuses a notice when nothing downstream has an owner', async () => {
      const { service, setEntities } = setup();
      setEntities([
        entity('Model:default/solo', OWNER, [
          ['dependencyOf', 'component:default/orphan'],
        ]),
        entity('Component:default/orphan', undefined, []),
      ]);
      await expect(
        service.sendNotice(
          { kind: 'model', namespace: 'default', name: 'solo' },
          { type: 'other', message: 'hello' },
          mockCredentials.user(OWNER),
        ),
      ).rejects.toThrow(
        'nothing downstream of model:default/solo has an owner to notify',
      );
    });
  });
});
