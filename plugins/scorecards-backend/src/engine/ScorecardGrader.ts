import { Config } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CheckInfo,
  EntityScorecardResult,
  ScorecardDefinition,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  CheckContext,
  EntityFacts,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { builtinChecks } from '../checks/builtin';
import { readDeclarativeChecks } from '../checks/declarative';
import { CompiledScorecard, readDefinitions } from './definitions';
import * as evaluate from './evaluate';

/**
 * What {@link ScorecardGrader.grade} grades against.
 *
 * @public
 */
export interface ScorecardGradeOptions {
  /**
   * The catalog the checks look owners, datasets and pipelines up in:
   * entities by full entity ref, lower-case (as {@link ScorecardGrader.index}
   * builds it). Defaults to the graded entities themselves.
   */
  related?: ReadonlyMap<string, Entity>;
  /** Facts by full, lower-case entity ref, then by fact provider id. */
  facts?: ReadonlyMap<string, EntityFacts>;
  /** When the grading happens (checks that judge age use it); defaults to now. */
  now?: Date;
}

// Read once: called for every entity, and a module's exports, as the
// TypeScript transform compiles them, are getters.
const { evaluateScorecard } = evaluate;

const NO_EXEMPTIONS: ReadonlySet<string> = new Set();
const NO_FACTS: EntityFacts = Object.freeze({}) as EntityFacts;

/**
 * The scorecards engine without the plugin: the configured scorecards and
 * checks (built-in, `scorecards.checks` and any given in code), compiled once,
 * grading entities in memory. Nothing is read from the catalog or stored. The
 * plugin grades with the same engine; use this one to grade entities offline,
 * e.g. a repository's entities in CI, or to benchmark.
 *
 * The entities must carry their `relations` as the catalog serves them (a
 * model's `ownedBy`, `trainedOn`, `producedBy` …): the checks read lineage and
 * ownership from relations, never from spec fields.
 *
 * @public
 */
export class ScorecardGrader {
  /**
   * Reads `scorecards.definitions` (or the two default scorecards) and
   * `scorecards.checks` from config, as the plugin does. `checks` adds checks
   * written in code (what backend modules add through the extension point).
   * A bad definition or check throws, naming the key.
   */
  static fromConfig(
    config: Config,
    options?: { checks?: ScorecardCheck[] },
  ): ScorecardGrader {
    const checks = new Map<string, ScorecardCheck>();
    for (const check of [
      ...builtinChecks,
      ...(options?.checks ?? []),
      ...readDeclarativeChecks(config),
    ]) {
      if (checks.has(check.id))
        throw new Error(`scorecards: two checks have the id '${check.id}'`);
      checks.set(check.id, check);
    }
    return new ScorecardGrader(
      readDefinitions(config, new Set(checks.keys())),
      checks,
    );
  }

  /** Entities by full, lower-case entity ref: the `related` a grading reads. */
  static index(entities: Iterable<Entity>): Map<string, Entity> {
    const byRef = new Map<string, Entity>();
    for (const e of entities) byRef.set(stringifyEntityRef(e).toLowerCase(), e);
    return byRef;
  }

  private constructor(
    private readonly compiled: CompiledScorecard[],
    private readonly checkMap: ReadonlyMap<string, ScorecardCheck>,
  ) {}

  /** The scorecards, as configured. */
  get scorecards(): ScorecardDefinition[] {
    return this.compiled.map(({ matches: _, ...definition }) => definition);
  }

  /** Every check a scorecard may name: id, title, why and how to fix. */
  get checks(): CheckInfo[] {
    return [...this.checkMap.values()].map(({ id, title, why, howToFix }) => ({
      id,
      title,
      why,
      howToFix,
    }));
  }

  /**
   * Grades each entity with every scorecard whose filter matches it: one
   * result per entity and scorecard, in order, as the plugin would store it
   * (no exemptions; a check that throws fails with the error as message).
   */
  grade(
    entities: Iterable<Entity>,
    options?: ScorecardGradeOptions,
  ): EntityScorecardResult[] {
    const list = Array.isArray(entities) ? entities : [...entities];
    const related = options?.related ?? ScorecardGrader.index(list);
    const now = options?.now ?? new Date();
    const facts = options?.facts;
    const out: EntityScorecardResult[] = [];
    // One context for the whole grading, pointed at each entity in turn
    // (the checks run synchronously), rather than one object per entity.
    const ctx: CheckContext = {
      entity: list[0],
      related,
      facts: NO_FACTS,
      now,
    };
    const compiled = this.compiled;
    for (let e = 0; e < list.length; e++) {
      const entity = list[e];
      let first = true;
      for (let s = 0; s < compiled.length; s++) {
        const scorecard = compiled[s];
        if (!scorecard.matches(entity)) continue;
        if (first) {
          first = false;
          ctx.entity = entity;
          ctx.facts =
            (facts && facts.get(stringifyEntityRef(entity).toLowerCase())) ??
            NO_FACTS;
        }
        out.push(
          evaluateScorecard(scorecard, this.checkMap, ctx, NO_EXEMPTIONS),
        );
      }
    }
    return out;
  }
}
