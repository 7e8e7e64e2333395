/**
 * Ownership scorecards: the extension point through which other backend
 * modules add checks and fact providers, and helpers to write them.
 *
 * @packageDocumentation
 */
import {
  createBackendModule,
  createExtensionPoint,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CheckInfo,
  CheckStatus,
} from '@convergence/backstage-plugin-scorecards-common';

/**
 * Facts about one entity, keyed by fact provider id, then by fact name.
 *
 * @public
 */
export type EntityFacts = Record<string, Record<string, unknown>>;

/**
 * What a check sees: the entity, the entities its relations point at (those
 * the catalog has), and the facts gathered for it.
 *
 * @public
 */
export interface CheckContext {
  entity: Entity;
  /** Related entities by entity ref (lower-case kind), only those that exist. */
  related: ReadonlyMap<string, Entity>;
  facts: EntityFacts;
  /** When the evaluation runs; checks that judge age use it instead of Date.now(). */
  now: Date;
}

/**
 * A check's verdict on one entity.
 *
 * @public
 */
export type CheckVerdict = {
  status: Exclude<CheckStatus, 'exempt'>;
  message?: string;
  /** Entity refs that make the check fail (full, lower-case), shown as links. */
  causes?: string[];
};

/**
 * A scorecard check.
 *
 * @public
 */
export interface ScorecardCheck extends CheckInfo {
  evaluate(ctx: CheckContext): CheckVerdict;
}

/**
 * What a grading pass gives a fact provider besides the batch.
 *
 * @public
 */
export interface FactContext {
  /**
   * Entities the pass has already read from the catalog, by full lower-case
   * entity ref: the batch's related entities and, in a full pass, every
   * entity listed so far. A provider that needs other entities may take them
   * from here instead of reading the catalog again (they are the same
   * snapshot the checks see); refs it does not find it reads itself.
   */
  related: ReadonlyMap<string, Entity>;
}

/**
 * Gathers facts about entities from somewhere (the catalog, MLflow, Kubeflow).
 *
 * @public
 */
export interface FactProvider {
  /** Facts appear under this key in {@link CheckContext.facts}. */
  id: string;
  /**
   * Facts for a batch of entities, keyed by entity ref. Entities without
   * facts may be left out. `context` holds what the pass has already read.
   */
  getFacts(
    entities: Entity[],
    context?: FactContext,
  ): Promise<Map<string, Record<string, unknown>>>;
  /**
   * The entities whose facts depend on these (full, lower-case refs), e.g.
   * the models downstream of a dataset whose lifecycle changed: the
   * incremental pass grades them again with the changed entities.
   */
  dependents?(entityRefs: string[]): Promise<string[]>;
}

/**
 * Extension point of the scorecards backend.
 *
 * @public
 */
export interface ScorecardsExtensionPoint {
  addChecks(...checks: ScorecardCheck[]): void;
  addFactProviders(...providers: FactProvider[]): void;
}

/**
 * Lets backend modules add checks and fact providers to the scorecards plugin.
 *
 * @public
 */
export const scorecardsExtensionPoint =
  createExtensionPoint<ScorecardsExtensionPoint>({
    id: 'scorecards.checks',
  });

/**
 * Whole days of 24 hours from `instant` to `now`, 0 when `instant` is later:
 * an age in days (of a run, a version, …) that no time zone or
 * daylight-saving change of the server shifts.
 *
 * @public
 */
export function wholeDaysSince(instant: Date, now: Date): number {
  return Math.max(
    0,
    Math.floor((now.getTime() - instant.getTime()) / 86_400_000),
  );
}

/**
 * A fact provider that reads each entity's facts from the entity alone, at
 * one instant per batch (`now`, the current time unless given).
 *
 * @public
 */
export abstract class EntityFactProvider implements FactProvider {
  abstract readonly id: string;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The facts about `entity` at `now`, or undefined when it has none. */
  protected abstract factsOf(
    entity: Entity,
    now: Date,
  ): Record<string, unknown> | undefined;

  async getFacts(entities: Entity[]) {
    const now = this.now();
    const facts = new Map<string, Record<string, unknown>>();
    for (const entity of entities) {
      const found = this.factsOf(entity, now);
      if (found) facts.set(stringifyEntityRef(entity), found);
    }
    return facts;
  }
}

/**
 * A backend module of the scorecards plugin that adds the fact providers
 * `factProviders` creates when the backend starts.
 *
 * @public
 */
export function createScorecardsFactsModule(options: {
  moduleId: string;
  factProviders: () => FactProvider[];
}) {
  return createBackendModule({
    pluginId: 'scorecards',
    moduleId: options.moduleId,
    register(reg) {
      reg.registerInit({
        deps: { scorecards: scorecardsExtensionPoint },
        async init({ scorecards }) {
          scorecards.addFactProviders(...options.factProviders());
        },
      });
    },
  });
}
