/*
 * The floor for bench/scorecards: the "ML production readiness" scorecard's
 * 17 checks written directly as if-statements over the entities, as someone
 * would hand-code them for this one estate: no check objects, no messages,
 * statuses in a typed array. It computes the same statuses, level and score
 * as the engine (run.ts verifies that on every round), with the same
 * semantics: relation targets compared lower-case, blank strings absent, the
 * ML kinds told by apiVersion and kind.
 */
import { Entity } from '@backstage/catalog-model';

/**
 * Where each level of the scorecard (as the plugin ships it) ends among its
 * 17 checks: Bronze 0–3, Silver 4–10, Gold 11–16. The loop writes check c's
 * status at position c, in the scorecard's order; run.ts reads the order
 * from the plugin's public ScorecardGrader, checks this layout against it
 * and compares every status with the engine's, check by check.
 */
export const PLAIN_LEVEL_ENDS = [4, 11, 17];
const CHECKS = 17;

export const PASS = 0;
export const FAIL = 1;
export const NA = 2;

/** Statuses (entity-major, 17 per entity), reached level index (-1: none) and score per entity. */
export type PlainResults = {
  statuses: Uint8Array;
  levels: Int8Array;
  scores: Float64Array;
};

const API = 'convergence.dev/v1alpha1';
const ALIASES = ['champion', 'production', 'prod'];
const DAY = 86_400_000;

const present = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

export function plainLoop(
  entities: Entity[],
  related: ReadonlyMap<string, Entity>,
  now: Date,
): PlainResults {
  const n = entities.length;
  const statuses = new Uint8Array(n * CHECKS);
  const levels = new Int8Array(n);
  const scores = new Float64Array(n);
  const nowMs = now.getTime();
  for (let i = 0; i < n; i++) {
    const e = entities[i];
    const s: any = e.spec ?? {};
    const ml = e.apiVersion === API;
    const k = e.kind.toLowerCase();
    const isModel = ml && k === 'model';
    const isDataset = ml && k === 'dataset';
    const isPipeline = ml && k === 'pipeline';
    const prod = s.lifecycle === 'production';
    // One walk over the relations.
    let owners = 0;
    let ownerBad = false;
    let trained = 0;
    let trainedMissing = 0;
    let evaluated = 0;
    let evaluatedMissing = 0;
    let produced = 0;
    let producedMissing = 0;
    let producedNotProd = 0;
    const rels = e.relations ?? [];
    for (let r = 0; r < rels.length; r++) {
      const type = rels[r].type;
      if (type === 'ownedBy') {
        owners++;
        const o = related.get(rels[r].targetRef.toLowerCase());
        if (!o || o.kind.toLowerCase() !== 'group') ownerBad = true;
      } else if (type === 'trainedOn') {
        trained++;
        if (!related.has(rels[r].targetRef.toLowerCase())) trainedMissing++;
      } else if (type === 'evaluatedOn') {
        evaluated++;
        if (!related.has(rels[r].targetRef.toLowerCase())) evaluatedMissing++;
      } else if (type === 'producedBy') {
        produced++;
        const p = related.get(rels[r].targetRef.toLowerCase());
        if (!p) producedMissing++;
        else if ((p.spec as any)?.lifecycle !== 'production') producedNotProd++;
      }
    }
    const o = i * CHECKS;
    statuses[o] = owners > 0 && !ownerBad ? PASS : FAIL;
    statuses[o + 1] = present(e.metadata.description) ? PASS : FAIL;
    if (isModel) {
      statuses[o + 3] = present(s.license) ? PASS : FAIL;
      const card = s.card ?? {};
      statuses[o + 4] =
        present(card.intendedUse) &&
        present(card.limitations) &&
        present(card.evaluationData)
          ? PASS
          : FAIL;
      statuses[o + 5] = trained > 0 && trainedMissing === 0 ? PASS : FAIL;
      statuses[o + 6] = evaluated > 0 && evaluatedMissing === 0 ? PASS : FAIL;
      statuses[o + 11] = produced > 0 && producedMissing === 0 ? PASS : FAIL;
      if (prod) {
        let alias = false;
        const versions = s.versions ?? [];
        for (let v = 0; v < versions.length && !alias; v++) {
          const as = versions[v].aliases ?? [];
          for (let a = 0; a < as.length; a++)
            if (ALIASES.includes(as[a])) alias = true;
        }
        statuses[o + 12] = alias ? PASS : FAIL;
        statuses[o + 13] = present(
          e.metadata.annotations?.['convergence.dev/monitoring-url'],
        )
          ? PASS
          : FAIL;
      } else statuses[o + 12] = statuses[o + 13] = NA;
    } else {
      statuses[o + 3] = statuses[o + 4] = statuses[o + 5] = NA;
      statuses[o + 6] = statuses[o + 11] = statuses[o + 12] = NA;
      statuses[o + 13] = NA;
    }
    if (isDataset) {
      statuses[o + 2] = present(s.classification) ? PASS : FAIL;
      const fields = s.schema?.fields ?? [];
      let pii = s.containsPii === true;
      for (let f = 0; f < fields.length && !pii; f++)
        if (fields[f].pii) pii = true;
      if (pii) {
        statuses[o + 7] =
          s.classification === 'confidential' ||
          s.classification === 'restricted'
            ? PASS
            : FAIL;
        statuses[o + 8] = present(s.retention) ? PASS : FAIL;
      } else statuses[o + 7] = statuses[o + 8] = NA;
      statuses[o + 9] = fields.length ? PASS : FAIL;
    } else {
      statuses[o + 2] = statuses[o + 7] = statuses[o + 8] = NA;
      statuses[o + 9] = NA;
    }
    statuses[o + 14] =
      (isModel || isDataset) && prod && produced - producedMissing > 0
        ? producedNotProd
          ? FAIL
          : PASS
        : NA;
    if (isPipeline) {
      statuses[o + 10] = prod ? (present(s.schedule) ? PASS : FAIL) : NA;
      const run = s.lastRun;
      statuses[o + 15] = !run
        ? FAIL
        : run.status === 'running' || run.status === 'pending'
        ? NA
        : run.status === 'succeeded'
        ? PASS
        : FAIL;
      const at = run?.finishedAt ?? run?.startedAt;
      const ranAt = at ? Date.parse(at) : NaN;
      statuses[o + 16] =
        !Number.isNaN(ranAt) && (nowMs - ranAt) / DAY <= 7 ? PASS : FAIL;
    } else statuses[o + 10] = statuses[o + 15] = statuses[o + 16] = NA;
    // Level and score, as the engine computes them (no exemptions, no unknowns).
    let level = -1;
    let failed = false;
    let applicable = 0;
    let ok = 0;
    for (let l = 0, c = 0; l < PLAIN_LEVEL_ENDS.length; l++) {
      for (; c < PLAIN_LEVEL_ENDS[l]; c++) {
        const st = statuses[o + c];
        if (st !== NA) applicable++;
        if (st === PASS) ok++;
        else if (st === FAIL) failed = true;
      }
      if (!failed) level = l;
    }
    levels[i] = level;
    scores[i] = applicable ? ok / applicable : 1;
  }
  return { statuses, levels, scores };
}
