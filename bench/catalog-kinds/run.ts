/*
 * bench/catalog-kinds: what do the ML kinds cost the catalog?
 *
 * Ingests N generated Model entities and, in the same run, N Component entities
 * of the same JSON size and the same number of relations, through the real
 * catalog backend (embedded SQLite, catalog-backend-module-mlops installed for
 * both), and prints both times and the ratio. One warm-up round (both kinds,
 * not counted) comes first; then each measured round runs both kinds, and the
 * order alternates per round (odd rounds Component then Model, even rounds
 * Model then Component) so drift on a noisy machine hits both. Per kind it
 * prints the median and the spread (min–max) and then the ratio of the two
 * medians, all from this one run.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/catalog-kinds/run.ts [N] [rounds]
 *
 * N defaults to 10,000 entities per kind, rounds to 5 (at least 1).
 *
 * Goal (issue 3): Model / Component ≤ 1.15.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createBackend } from '@backstage/backend-defaults';
import { stringify } from 'yaml';
import { backendConfig, rootConfig, runMain } from '../lib/backend';
import { median } from '../lib/stats';

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 5));
const TOKEN = 'bench-static-token-0123456789';

function model(i: number) {
  return {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Model',
    metadata: {
      name: `bench-model-${i}`,
      description: 'Generated model for the catalog-kinds benchmark',
    },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: `group:default/team-${i % 20}`,
      system: `system:default/system-${i % 50}`,
      framework: 'xgboost',
      license: 'Apache-2.0',
      trainedOn: [`dataset:default/dataset-${i % 500}`],
      producedBy: `pipeline:default/pipeline-${i % 100}`,
      versions: [
        {
          version: '3',
          aliases: ['champion'],
          status: 'READY',
          metrics: { auc: 0.93 },
        },
      ],
    },
  };
}

/** A Component with the same relation count, padded to the Model's size. */
function component(i: number) {
  const m = model(i);
  const c: any = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `bench-component-${i}`,
      description: m.metadata.description,
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: m.spec.owner,
      system: m.spec.system,
      dependsOn: [`resource:default/db-${i % 500}`],
      providesApis: [`api:default/api-${i % 100}`],
    },
  };
  const pad = JSON.stringify(m).length - JSON.stringify(c).length;
  c.metadata.description += ' '.repeat(Math.max(0, pad));
  return c;
}

async function ingest(
  kind: 'Model' | 'Component',
  port: number,
): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-catalog-kinds-'));
  const file = path.join(dir, 'entities.yaml');
  const make = kind === 'Model' ? model : component;
  fs.writeFileSync(
    file,
    Array.from({ length: N }, (_, i) => stringify(make(i))).join('---\n'),
  );

  const backend = createBackend();
  backend.add(
    rootConfig({
      backend: backendConfig(
        port,
        { client: 'better-sqlite3', connection: ':memory:' },
        TOKEN,
      ),
      catalog: {
        rules: [{ allow: ['Component', 'Location', 'Model'] }],
        locations: [{ type: 'file', target: file }],
      },
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@convergence/backstage-plugin-catalog-backend-module-mlops'),
  );

  const t0 = performance.now();
  await backend.start();
  const url = `http://localhost:${port}/api/catalog/entities/by-query?filter=kind=${kind}&limit=1`;
  for (;;) {
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    if (res.ok && (await res.json()).totalItems >= N) break;
    await new Promise(r => setTimeout(r, 200));
  }
  const seconds = (performance.now() - t0) / 1000;
  await backend.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return seconds;
}

type Kind = 'Component' | 'Model';

/** Odd rounds run Component first, even rounds Model first. */
const orderOf = (round: number): Kind[] =>
  round % 2 === 1 ? ['Component', 'Model'] : ['Model', 'Component'];

const spread = (xs: number[]) =>
  `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} s`;

async function main() {
  const times: Record<Kind, number[]> = { Component: [], Model: [] };
  let port = 7200;
  for (const kind of orderOf(1)) {
    const s = await ingest(kind, port++);
    console.log(`warm-up: ${N} ${kind} entities ingested in ${s.toFixed(1)} s`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of orderOf(round)) {
      const s = await ingest(kind, port++);
      times[kind].push(s);
      console.log(
        `round ${round}: ${N} ${kind} entities ingested in ${s.toFixed(1)} s`,
      );
    }
  }
  const c = median(times.Component);
  const m = median(times.Model);
  console.log(
    `\ncatalog-kinds: ${N} entities each, ${ROUNDS} rounds after a warm-up, ` +
      `order alternating per round; median (min–max)`,
  );
  console.log(
    `  Component (baseline): ${c.toFixed(1)} s (${spread(times.Component)}), ${(
      N / c
    ).toFixed(0)} entities/s`,
  );
  console.log(
    `  Model:                ${m.toFixed(1)} s (${spread(times.Model)}), ${(
      N / m
    ).toFixed(0)} entities/s`,
  );
  console.log(
    `  per-round Model/Component: ${times.Model.map((x, k) =>
      (x / times.Component[k]).toFixed(3),
    ).join(' / ')}`,
  );
  console.log(
    `  ratio of medians Model/Component: ${(m / c).toFixed(3)}  (goal ≤ 1.15: ${
      m / c <= 1.15 ? 'met' : 'NOT met'
    })`,
  );
}

runMain(main);
