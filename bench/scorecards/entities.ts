/*
 * The generated estate bench/scorecards grades: Groups and Users, and Models,
 * Datasets and Pipelines with the `relations` the catalog's processors emit
 * (ownedBy/ownerOf, trainedOn/trainingDataOf, evaluatedOn/evaluationDataOf,
 * producedBy/produces; target refs lower-case, as the catalog stores them).
 *
 * The data is deliberately awkward so that two engines written separately can
 * disagree: owners that are Users or not in the catalog, blank strings,
 * `containsPii: 'yes'` (a string, not true), personal data only in a schema
 * field, lineage to missing entities, runs in progress, a run exactly 7 days
 * old and one 7.5 days old, an unparseable run time, only a startedAt.
 */
import { Entity, EntityRelation } from '@backstage/catalog-model';
import { prng } from '@convergence/backstage-plugin-mlops-node/testUtils';

/** The moment both engines grade at. */
export const NOW = new Date('2026-11-27T06:00:00Z');

const API = 'convergence.dev/v1alpha1';
const DAY = 86_400_000;

const random = prng;

/** `n` graded entities (a third each of Models, Datasets, Pipelines) plus 50 Groups and 10 Users. */
export function generateEstate(n: number): Entity[] {
  const rnd = random(14);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = (p: number) => rnd() < p;
  const text = () =>
    pick(['generated', 'Fraud “v2” ✓ — naïve', 'a\\b "quoted"', '  ', '']);
  const people: Entity[] = [];
  for (let g = 0; g < 50; g++)
    people.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: [],
    });
  for (let u = 0; u < 10; u++)
    people.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: `user-${u}`, namespace: 'default' },
      spec: {},
      relations: [],
    });
  const nameOf = (i: number) => `${['m', 'd', 'p'][i % 3]}-${i}`;
  const kindOf = (i: number) => ['Model', 'Dataset', 'Pipeline'][i % 3];
  // Refs to entities of a kind, some beyond the estate (not in the catalog).
  const refTo = (kind: 'dataset' | 'pipeline') => {
    const offset = kind === 'dataset' ? 1 : 2;
    const j = Math.floor(rnd() * (n + n / 20));
    const k = j - (j % 3) + offset;
    return `${kind}:default/${nameOf(k)}`;
  };
  const ml: Entity[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kindOf(i);
    const spec: Record<string, any> = {
      type: 't',
      lifecycle: pick(['production', 'production', 'experimental']),
      owner: pick([
        ...Array.from({ length: 12 }, (_, t) => `group:default/team-${t * 5}`),
        'group:default/team-gone',
        'user:default/user-3',
      ]),
    };
    const annotations: Record<string, string> = {};
    const links: Record<string, string[]> = {};
    if (kind === 'Model') {
      spec.license = pick(['MIT', 'proprietary', ' ', undefined]);
      links.trainedOn = maybe(0.85)
        ? Array.from({ length: 1 + Math.floor(rnd() * 2) }, () =>
            refTo('dataset'),
          )
        : [];
      links.evaluatedOn = maybe(0.7) ? [refTo('dataset')] : [];
      links.producedBy = maybe(0.8) ? [refTo('pipeline')] : [];
      spec.versions = [
        { version: '1', aliases: maybe(0.5) ? ['latest'] : [] },
        ...(maybe(0.7)
          ? [{ version: '2', aliases: [pick(['champion', 'prod', 'staging'])] }]
          : []),
      ];
      if (maybe(0.8))
        spec.card = {
          intendedUse: text(),
          limitations: maybe(0.9) ? 'y' : undefined,
          evaluationData: maybe(0.9) ? 'z' : undefined,
        };
      if (maybe(0.7))
        annotations['convergence.dev/monitoring-url'] = pick([
          'https://grafana.example.com/d/x',
          ' ',
        ]);
    } else if (kind === 'Dataset') {
      spec.classification = pick([
        'public',
        'internal',
        'confidential',
        'restricted',
        ' ',
        undefined,
      ]);
      spec.containsPii = pick([true, false, false, 'yes', undefined]);
      if (maybe(0.7))
        spec.schema = {
          fields: maybe(0.9)
            ? [
                { name: 'id', type: 'string' },
                { name: 'e-mail', type: 'string', pii: maybe(0.3) },
              ]
            : [],
        };
      spec.retention = pick(['P1Y', 'P30D', '', undefined]);
      links.producedBy = maybe(0.5) ? [refTo('pipeline')] : [];
    } else {
      spec.schedule = pick(['0 3 * * *', '', undefined]);
      const age = pick([0.5, 3, 7, 7.5, 30, 200]);
      spec.lastRun = pick([
        undefined,
        {
          status: pick(['succeeded', 'succeeded', 'failed', 'running']),
          finishedAt: new Date(NOW.getTime() - age * DAY).toISOString(),
        },
        {
          status: 'pending',
          startedAt: new Date(NOW.getTime() - age * DAY).toISOString(),
        },
        { status: 'succeeded', finishedAt: 'last tuesday' },
        { status: undefined },
      ]);
    }
    const description = maybe(0.8) ? text() : undefined;
    ml.push({
      apiVersion: API,
      kind,
      metadata: {
        name: nameOf(i),
        namespace: 'default',
        ...(description !== undefined && { description }),
        annotations,
      },
      spec: { ...spec, ...links },
      relations: [],
    });
  }
  // The relations the catalog emits, in both directions.
  const all = [...people, ...ml];
  const byRef = new Map(
    all.map(e => [`${e.kind}:default/${e.metadata.name}`.toLowerCase(), e]),
  );
  const seen = new Set<string>();
  const relate = (
    from: Entity,
    type: string,
    target: string,
    reverse: string,
  ) => {
    const self = `${from.kind}:default/${from.metadata.name}`.toLowerCase();
    const add = (
      source: string,
      list: EntityRelation[],
      t: string,
      ref: string,
    ) => {
      const key = `${source} ${t} ${ref}`;
      if (seen.has(key)) return;
      seen.add(key);
      list.push({ type: t, targetRef: ref });
    };
    add(self, from.relations!, type, target);
    const other = byRef.get(target);
    if (other) add(target, other.relations!, reverse, self);
  };
  for (const e of ml) {
    const s = e.spec as Record<string, any>;
    relate(e, 'ownedBy', s.owner, 'ownerOf');
    for (const t of s.trainedOn ?? [])
      relate(e, 'trainedOn', t, 'trainingDataOf');
    for (const t of s.evaluatedOn ?? [])
      relate(e, 'evaluatedOn', t, 'evaluationDataOf');
    for (const t of s.producedBy ?? []) relate(e, 'producedBy', t, 'produces');
    for (const key of ['trainedOn', 'evaluatedOn', 'producedBy'])
      if (!s[key]?.length) delete s[key];
      else if (key === 'producedBy') s[key] = s[key][0];
  }
  return all;
}
