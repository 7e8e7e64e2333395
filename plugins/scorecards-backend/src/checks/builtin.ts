import { Duration } from 'luxon';
import {
  CheckContext,
  CheckVerdict,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import * as mlopsCommon from '@convergence/backstage-plugin-mlops-common';
import * as helpers from './helpers';
import type { KindGuard } from './helpers';
import type {
  LineageFactEntity,
  LineageFacts,
} from '../service/LineageFactProvider';

// Read once: the checks call these for every entity, and imports, as the
// TypeScript transform compiles them (a package's re-exports, a module's
// exports), are getters.
const {
  isDatasetEntity,
  isModelEntity,
  isPipelineEntity,
  MONITORING_URL_ANNOTATION,
  RELATION_EVALUATED_ON,
  RELATION_PRODUCED_BY,
  RELATION_TRAINED_ON,
} = mlopsCommon;
const {
  fail,
  fixed,
  holdsPersonalData,
  isKind,
  isProduction,
  lookup,
  missingOf,
  na,
  noLineage,
  onlyForKinds,
  pass,
  present,
  relationTargets,
  scanRelations,
  servedModels,
  servesModel,
  spec,
} = helpers;

/**
 * A Model or a Dataset. The guard of the entity's usual spelling runs
 * first: each guard lower-cases both kinds when the spelling differs.
 */
const isModelOrDataset = (e: Entity) =>
  e.kind === 'Model'
    ? isModelEntity(e)
    : isDatasetEntity(e) || isModelEntity(e);

/** A model has datasets through the relation, and the catalog has each of them. */
function modelDatasetsRegistered(
  ctx: CheckContext,
  relation: typeof RELATION_TRAINED_ON | typeof RELATION_EVALUATED_ON,
) {
  if (!isModelEntity(ctx.entity)) return na();
  const { count, found } = scanRelations(ctx, relation);
  if (count > 0 && found === count) return pass();
  const refs = relationTargets(ctx.entity, relation);
  if (refs.length === 0) return fail(noLineage(ctx.entity, relation));
  const missing = missingOf(ctx, refs);
  return missing ? fail(`not in the catalog: ${missing.join(', ')}`) : pass();
}

/** A component serving a model carries one of the annotations. */
function servingComponentAnnotated(
  ctx: CheckContext,
  keys: string[],
  what: string,
) {
  if (!servesModel(ctx.entity)) return na();
  const a = ctx.entity.metadata.annotations ?? {};
  return keys.some(k => present(a[k])) ? pass() : fail(`no ${what} annotation`);
}

const PRODUCTION_ALIASES = ['champion', 'production', 'prod'];
const CARD_FIELDS = ['intendedUse', 'limitations', 'evaluationData'];
/** The failures of model-card-complete, by which CARD_FIELDS are missing (bit i: field i). */
const CARD_INCOMPLETE = Array.from(
  { length: 1 << CARD_FIELDS.length },
  (_, bits) =>
    fixed(
      fail(
        `missing spec.card.${CARD_FIELDS.filter(
          (_f, i) => bits & (1 << i),
        ).join(', spec.card.')}`,
      ),
    ),
);
const PERSONAL_DATA_CLASSES = ['confidential', 'restricted'];
const RUN_IN_PROGRESS = ['running', 'pending'];
const RECENT_RUN_DAYS = 7;
const RECENT_RUN_MS = Duration.fromObject({ days: RECENT_RUN_DAYS }).toMillis();
const DAY_MS = Duration.fromObject({ days: 1 }).toMillis();

/** Whether a version of the model carries a production alias. */
function hasProductionAlias(versions: any[]): boolean {
  for (let v = 0; v < versions.length; v++) {
    const aliases = versions[v].aliases ?? [];
    for (let i = 0; i < aliases.length; i++)
      if (PRODUCTION_ALIASES.includes(aliases[i])) return true;
  }
  return false;
}
const ON_CALL_ANNOTATIONS = [
  'pagerduty.com/service-id',
  'pagerduty.com/integration-key',
  'opsgenie.com/component-selector',
];
const CI_ANNOTATIONS = [
  'github.com/project-slug',
  'gitlab.com/project-slug',
  'jenkins.io/job-full-name',
  'circleci.com/project-slug',
];

// The verdicts whose message never changes: one frozen object each, not one
// per entity.
const NO_OWNER = fixed(fail('spec.owner is empty'));
const NO_DESCRIPTION = fixed(fail('metadata.description is empty'));
const NO_PRODUCTION_ALIAS = fixed(fail('no version has a production alias'));
const NO_LICENSE = fixed(fail('spec.license is empty'));
const NO_CLASSIFICATION = fixed(fail('spec.classification is empty'));
const NO_RETENTION = fixed(fail('spec.retention is empty'));
const NO_SCHEMA = fixed(fail('spec.schema.fields is empty'));
const NO_SCHEDULE = fixed(fail('spec.schedule is empty'));
const NO_RUN = fixed(fail('no run recorded'));
const NO_MONITORING = fixed(
  fail(`annotation ${MONITORING_URL_ANNOTATION} is missing`),
);
const NO_PERSONAL_DATA = fixed(na('holds no personal data'));
const NO_PRODUCER = fixed(na('no producing pipeline declared'));

/** owner-is-group's failures: the same few for many entities, each built once. */
const missingOwners = new Map<string, CheckVerdict>();
const ownersOfKind = new Map<string, Map<string, CheckVerdict>>();

/** The failure for an owner the catalog lacks (kind undefined) or has with another kind than Group. */
function ownerFailure(owner: string, kind: string | undefined): CheckVerdict {
  const byOwner =
    kind === undefined ? missingOwners : ownersOfKind.get(kind) ?? new Map();
  let verdict = byOwner.get(owner);
  if (verdict === undefined) {
    verdict = fixed(
      fail(
        kind === undefined
          ? `owner ${owner} is not in the catalog`
          : `owner ${owner} is a ${kind}, not a Group`,
      ),
    );
    if (byOwner.size < 1000) byOwner.set(owner, verdict);
    if (kind !== undefined && ownersOfKind.size < 100)
      ownersOfKind.set(kind, byOwner);
  }
  return verdict;
}

/** The target of the entity's first producedBy relation, lower-case. */
function producerOf(e: Entity): string {
  const relations = e.relations!;
  let i = 0;
  while (relations[i].type !== RELATION_PRODUCED_BY) i++;
  return relations[i].targetRef.toLowerCase();
}

/** A Model, Dataset or Pipeline. */
const isMlAsset = (e: Entity) =>
  isModelEntity(e) || isDatasetEntity(e) || isPipelineEntity(e);

const NO_LINEAGE_FACTS = fixed(
  na('no lineage facts: the lineage fact provider is not installed'),
);
const NO_PERSONAL_DATA_UPSTREAM = fixed(
  na('no dataset in the training path holds personal data'),
);

/**
 * One list of the lineage facts (see LineageFactProvider), or undefined when
 * the provider gave none for the entity. Reading facts.lineage throws when
 * the provider failed in this evaluation: the check is then unknown.
 */
function lineageFact(
  ctx: CheckContext,
  name: Exclude<keyof LineageFacts, 'downstream'>,
): LineageFactEntity[] | undefined {
  const facts = ctx.facts.lineage as Partial<LineageFacts> | undefined;
  const list = facts?.[name];
  return Array.isArray(list) ? list : undefined;
}

/** The path to an upstream entity, e.g. "dependsOn model:default/a → trainedOn dataset:default/b". */
const pathText = (e: LineageFactEntity) =>
  e.path.map(step => `${step.relation} ${step.entityRef}`).join(' → ');

/** ", and 2 more" for a list of which the message names the first. */
const andMore = (list: unknown[]) =>
  list.length > 1 ? `, and ${list.length - 1} more` : '';

const refsOf = (list: LineageFactEntity[]) => list.map(e => e.entityRef);

/**
 * Fails naming the nearest of `found` (ordered nearest first) as `what`, with
 * its path, and how many more there are; every one of them is a cause.
 */
const failOnNearest = (found: LineageFactEntity[], what: string) => ({
  status: 'fail' as const,
  message: `${found[0].entityRef} is ${what} (${pathText(found[0])})${andMore(
    found,
  )}`,
  causes: refsOf(found),
});

const notInCatalog = (refs: string[]) =>
  `${refs.join(', ')} ${refs.length > 1 ? 'are' : 'is'} not in the catalog`;

/**
 * The built-in checks: ML production readiness in the spirit of Google's ML
 * Test Score, plus service readiness for components that serve models.
 *
 * Lineage, ownership and served models are read from the entity's relations,
 * which the catalog holds whichever entity declared the link (a Model's
 * spec.producedBy or its Pipeline's spec.produces), never from one spec field.
 */
export const builtinChecks: ScorecardCheck[] = [
  {
    id: 'owner-is-group',
    title: 'Owned by an existing team',
    why: 'Assets owned by a person or by a team that no longer exists have nobody to call when they break.',
    howToFix:
      'Set spec.owner to a Group in the catalog, e.g. group:default/fraud-ml.',
    evaluate: ctx => {
      // In relation order: the first owner missing or not a Group fails it.
      let owners = 0;
      const relations = ctx.entity.relations;
      const count = relations ? relations.length : 0;
      for (let i = 0; i < count; i++) {
        const r = relations![i];
        if (r.type !== RELATION_OWNED_BY) continue;
        owners++;
        const owner = r.targetRef.toLowerCase();
        const found = ctx.related.get(owner);
        if (!found) return ownerFailure(owner, undefined);
        if (!isKind(found, 'Group')) return ownerFailure(owner, found.kind);
      }
      return owners ? pass() : NO_OWNER;
    },
  },
  {
    id: 'has-description',
    title: 'Described',
    why: 'A one-line description is what people read in search results and tables.',
    howToFix: 'Add metadata.description.',
    evaluate: ctx =>
      present(ctx.entity.metadata.description) ? pass() : NO_DESCRIPTION,
  },
  {
    id: 'model-card-complete',
    title: 'Model card states intended use, limitations and evaluation data',
    why: 'Consumers need to know what the model is for, where it fails and how it was judged (Model Cards, Mitchell et al.).',
    howToFix:
      'Fill spec.card.intendedUse, spec.card.limitations and spec.card.evaluationData.',
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity)) return na();
      const card = spec(ctx.entity).card ?? {};
      if (
        present(card.intendedUse) &&
        present(card.limitations) &&
        present(card.evaluationData)
      )
        return pass();
      let missing = 0;
      for (let f = 0; f < CARD_FIELDS.length; f++)
        if (!present(card[CARD_FIELDS[f]])) missing |= 1 << f;
      return CARD_INCOMPLETE[missing];
    },
  },
  {
    id: 'model-training-data-declared',
    title: 'Training datasets declared and registered',
    why: 'Without its training data a model cannot be reproduced, audited or checked for skew (ML Test Score: data 1–2).',
    howToFix:
      'List the training datasets in spec.trainedOn and register each as a Dataset.',
    evaluate: ctx => modelDatasetsRegistered(ctx, RELATION_TRAINED_ON),
  },
  {
    id: 'model-evaluation-data-declared',
    title: 'Evaluation dataset declared',
    why: 'A model judged only on its training data hides overfitting (ML Test Score: model 6–7).',
    howToFix:
      'List the hold-out datasets in spec.evaluatedOn and register them.',
    evaluate: ctx => modelDatasetsRegistered(ctx, RELATION_EVALUATED_ON),
  },
  {
    id: 'model-produced-by-pipeline',
    title: 'Trained by a registered pipeline',
    why: 'A model trained by hand cannot be retrained the same way (ML Test Score: infra 1).',
    howToFix:
      "Set spec.producedBy to the Pipeline that trains it, or list the model in that Pipeline's spec.produces.",
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity)) return na();
      const { count, found } = scanRelations(ctx, RELATION_PRODUCED_BY);
      if (count > 0 && found === count) return pass();
      const refs = relationTargets(ctx.entity, RELATION_PRODUCED_BY);
      if (refs.length === 0)
        return fail(noLineage(ctx.entity, RELATION_PRODUCED_BY));
      const missing = missingOf(ctx, refs);
      return missing ? fail(notInCatalog(missing)) : pass();
    },
  },
  {
    id: 'model-production-alias',
    title: 'A version carries the production alias',
    why: 'Serving "latest" ships untested versions; an alias makes the promoted version explicit.',
    howToFix: `Give the served version one of the aliases ${PRODUCTION_ALIASES.join(
      ', ',
    )} in spec.versions.`,
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity) || !isProduction(ctx.entity)) return na();
      return hasProductionAlias(spec(ctx.entity).versions ?? [])
        ? pass()
        : NO_PRODUCTION_ALIAS;
    },
  },
  {
    id: 'model-license-declared',
    title: 'License declared',
    why: 'Weights and fine-tunes inherit obligations from their license; legal review needs it.',
    howToFix: 'Set spec.license to an SPDX identifier (or "proprietary").',
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity)) return na();
      return present(spec(ctx.entity).license) ? pass() : NO_LICENSE;
    },
  },
  {
    id: 'model-monitoring-link',
    title: 'Production model is monitored',
    why: 'Models decay silently; someone must watch prediction quality and drift (ML Test Score: monitoring 1–7).',
    howToFix: `Add the annotation ${MONITORING_URL_ANNOTATION} with the dashboard URL.`,
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity) || !isProduction(ctx.entity)) return na();
      return present(
        ctx.entity.metadata.annotations?.[MONITORING_URL_ANNOTATION],
      )
        ? pass()
        : NO_MONITORING;
    },
  },
  {
    id: 'lifecycle-consistent',
    title: 'Production assets come from production pipelines',
    why: 'A production model trained by an experimental pipeline has no reliable way to be retrained.',
    howToFix:
      'Promote the producing pipeline to production, or demote the asset.',
    evaluate: ctx => {
      if (!isModelOrDataset(ctx.entity) || !isProduction(ctx.entity))
        return na();
      const scanned = scanRelations(ctx, RELATION_PRODUCED_BY);
      if (scanned.found > 0 && scanned.notProduction === 0) return pass();
      if (scanned.count === 0) return NO_PRODUCER;
      if (scanned.count === 1) {
        // One producer (the usual case), not in the catalog or not in
        // production: what the lists below give, without the lists.
        const ref = producerOf(ctx.entity);
        if (scanned.found === 0) return na(`${ref} is not in the catalog`);
        const p = ctx.related.get(ref)!;
        return fail(
          `${stringifyEntityRef(p).toLowerCase()} is ${
            spec(p).lifecycle ?? 'without a lifecycle'
          }`,
        );
      }
      const refs = relationTargets(ctx.entity, RELATION_PRODUCED_BY);
      if (refs.length === 0) return NO_PRODUCER;
      const { found, missing } = lookup(ctx, refs);
      if (found.length === 0) return na(notInCatalog(missing));
      const notProduction = found.filter(p => !isProduction(p));
      return notProduction.length
        ? fail(
            notProduction
              .map(
                p =>
                  `${stringifyEntityRef(p).toLowerCase()} is ${
                    spec(p).lifecycle ?? 'without a lifecycle'
                  }`,
              )
              .join('; '),
          )
        : pass();
    },
  },
  {
    id: 'dataset-classified',
    title: 'Dataset classified',
    why: 'Access rules, retention and where the data may flow all follow from its classification.',
    howToFix:
      'Set spec.classification to public, internal, confidential or restricted.',
    evaluate: ctx => {
      if (!isDatasetEntity(ctx.entity)) return na();
      return present(spec(ctx.entity).classification)
        ? pass()
        : NO_CLASSIFICATION;
    },
  },
  {
    id: 'dataset-pii-protected',
    title: 'Personal data classified confidential or restricted',
    why: 'Personal data needs the strictest handling the law requires (GDPR art. 5, 32).',
    howToFix: 'Classify the dataset confidential or restricted.',
    evaluate: ctx => {
      if (!isDatasetEntity(ctx.entity)) return na();
      const s = spec(ctx.entity);
      if (!holdsPersonalData(s)) return NO_PERSONAL_DATA;
      return PERSONAL_DATA_CLASSES.includes(s.classification)
        ? pass()
        : fail(
            `holds personal data but is classified ${
              s.classification ?? 'nothing'
            }`,
          );
    },
  },
  {
    id: 'dataset-pii-retention',
    title: 'Personal data has a retention period',
    why: 'Personal data may be kept only as long as needed (GDPR storage limitation).',
    howToFix: 'Set spec.retention to an ISO-8601 duration, e.g. P2Y.',
    evaluate: ctx => {
      if (!isDatasetEntity(ctx.entity)) return na();
      const s = spec(ctx.entity);
      if (!holdsPersonalData(s)) return NO_PERSONAL_DATA;
      return present(s.retention) ? pass() : NO_RETENTION;
    },
  },
  {
    id: 'dataset-schema-documented',
    title: 'Schema documented',
    why: 'Feature expectations must be written down to be tested (ML Test Score: data 1).',
    howToFix: 'List the fields under spec.schema.fields with name and type.',
    evaluate: ctx => {
      if (!isDatasetEntity(ctx.entity)) return na();
      return (spec(ctx.entity).schema?.fields ?? []).length
        ? pass()
        : NO_SCHEMA;
    },
  },
  {
    id: 'pipeline-scheduled',
    title: 'Production pipeline runs on a schedule',
    why: 'Models and data go stale unless retrained and refreshed regularly (ML Test Score: monitoring 3).',
    howToFix: 'Set spec.schedule to a cron expression.',
    evaluate: ctx => {
      if (!isPipelineEntity(ctx.entity) || !isProduction(ctx.entity))
        return na();
      return present(spec(ctx.entity).schedule) ? pass() : NO_SCHEDULE;
    },
  },
  {
    id: 'pipeline-last-run-succeeded',
    title: 'Last run succeeded',
    why: 'A failing pipeline means the assets it produces are getting stale.',
    howToFix:
      'Fix the failing run in the orchestrator; the provider updates spec.lastRun.',
    evaluate: ctx => {
      if (!isPipelineEntity(ctx.entity)) return na();
      const run = spec(ctx.entity).lastRun;
      if (!run) return NO_RUN;
      if (RUN_IN_PROGRESS.includes(run.status))
        return na(`a run is ${run.status}`);
      return run.status === 'succeeded'
        ? pass()
        : fail(`last run ${run.status}`);
    },
  },
  {
    id: 'pipeline-ran-recently',
    title: `Ran within the last ${RECENT_RUN_DAYS} days`,
    why: 'A pipeline that has not run for weeks is effectively abandoned.',
    howToFix: 'Run the pipeline, or schedule it.',
    evaluate: ctx => {
      if (!isPipelineEntity(ctx.entity)) return na();
      const run = spec(ctx.entity).lastRun;
      const at = run?.finishedAt ?? run?.startedAt;
      if (!at) return NO_RUN;
      const ranAt = Date.parse(at);
      if (Number.isNaN(ranAt))
        return fail(`last run time '${at}' is not an ISO-8601 timestamp`);
      const ago = ctx.now.getTime() - ranAt;
      if (ago <= RECENT_RUN_MS) return pass();
      // What Duration.fromMillis(ago).as('days') gives, without a Duration.
      return fail(`last ran ${Math.floor(ago / DAY_MS)} days ago`);
    },
  },
  {
    id: 'service-on-call',
    title: 'Service serving a model has on-call',
    why: 'When predictions go wrong at 3 am someone must be paged.',
    howToFix: `Add one of the annotations ${ON_CALL_ANNOTATIONS.join(', ')}.`,
    evaluate: ctx =>
      servingComponentAnnotated(ctx, ON_CALL_ANNOTATIONS, 'on-call'),
  },
  {
    id: 'service-ci',
    title: 'Service serving a model has CI',
    why: 'Model upgrades must go through the same tests as code changes (ML Test Score: infra 3).',
    howToFix: `Add one of the annotations ${CI_ANNOTATIONS.join(', ')}.`,
    evaluate: ctx => servingComponentAnnotated(ctx, CI_ANNOTATIONS, 'CI'),
  },
  {
    id: 'service-models-registered',
    title: 'Served models are registered and in production',
    why: 'A service must not serve a model nobody registered, or one still marked experimental.',
    howToFix:
      'Register the models in dependsOn and promote them to production, or depend on a production model.',
    evaluate: ctx => {
      if (!servesModel(ctx.entity)) return na();
      const { found, missing } = lookup(ctx, servedModels(ctx.entity));
      if (missing.length)
        return fail(`not in the catalog: ${missing.join(', ')}`);
      const experimental = found
        .filter(m => !isProduction(m))
        .map(m => m.metadata.name);
      return experimental.length
        ? fail(`not in production: ${experimental.join(', ')}`)
        : pass();
    },
  },
  {
    id: 'upstream-not-deprecated',
    title: 'Nothing upstream is deprecated',
    why: 'A deprecated dataset, base model or pipeline upstream will go away or stop being fixed: whatever is built on it has to move before then.',
    howToFix:
      'Move to the replacement of the deprecated entity the message names (retrain on another dataset, depend on another model), or ask its owners to keep it in production.',
    evaluate: ctx => {
      if (!isMlAsset(ctx.entity) && !isKind(ctx.entity, 'Component'))
        return na();
      const deprecated = lineageFact(ctx, 'deprecatedUpstream');
      if (!deprecated) return NO_LINEAGE_FACTS;
      if (deprecated.length === 0) return pass();
      return failOnNearest(deprecated, 'deprecated');
    },
  },
  {
    id: 'personal-data-declared',
    title: 'Personal data in the training data is declared in the model card',
    why: 'A model trained on personal data can memorise and leak it; its users must know (GDPR art. 13–14, 35; Model Cards).',
    howToFix:
      'Say in spec.card.personalData (or spec.card.ethicalConsiderations) which personal data the training data holds and how the model is kept from exposing it.',
    evaluate: ctx => {
      if (!isModelEntity(ctx.entity)) return na();
      const datasets = lineageFact(ctx, 'personalDataInTrainingPath');
      if (!datasets) return NO_LINEAGE_FACTS;
      if (datasets.length === 0) return NO_PERSONAL_DATA_UPSTREAM;
      const card = spec(ctx.entity).card ?? {};
      if (present(card.personalData) || present(card.ethicalConsiderations))
        return pass();
      return {
        status: 'fail',
        message: `the training data holds personal data (${refsOf(
          datasets,
        ).join(
          ', ',
        )}) and spec.card.personalData and spec.card.ethicalConsiderations are empty`,
        causes: refsOf(datasets),
      };
    },
  },
  {
    id: 'production-upstream-not-experimental',
    title: 'Nothing experimental in the training path of a production asset',
    why: 'A production asset trained on experimental data, models or pipelines inherits their lack of tests, support and stability (ML Test Score: infra 1).',
    howToFix:
      'Promote the experimental entities the message names to production, or train the asset on production ones.',
    evaluate: ctx => {
      if (!isMlAsset(ctx.entity) || !isProduction(ctx.entity)) return na();
      const experimental = lineageFact(ctx, 'experimentalInTrainingPath');
      if (!experimental) return NO_LINEAGE_FACTS;
      if (experimental.length === 0) return pass();
      return failOnNearest(experimental, 'experimental');
    },
  },
];

// The checks that apply to some kinds only (n/a without a message for the
// others), so that the engine skips them for other kinds.
const KIND_GUARDS: Record<string, KindGuard> = {
  'model-card-complete': isModelEntity,
  'model-training-data-declared': isModelEntity,
  'model-evaluation-data-declared': isModelEntity,
  'model-produced-by-pipeline': isModelEntity,
  'model-production-alias': isModelEntity,
  'model-license-declared': isModelEntity,
  'model-monitoring-link': isModelEntity,
  'lifecycle-consistent': e => isModelEntity(e) || isDatasetEntity(e),
  'dataset-classified': isDatasetEntity,
  'dataset-pii-protected': isDatasetEntity,
  'dataset-pii-retention': isDatasetEntity,
  'dataset-schema-documented': isDatasetEntity,
  'pipeline-scheduled': isPipelineEntity,
  'pipeline-last-run-succeeded': isPipelineEntity,
  'pipeline-ran-recently': isPipelineEntity,
  'service-on-call': e => isKind(e, 'Component'),
  'service-ci': e => isKind(e, 'Component'),
  'service-models-registered': e => isKind(e, 'Component'),
  'upstream-not-deprecated': e => isMlAsset(e) || isKind(e, 'Component'),
  'personal-data-declared': isModelEntity,
  'production-upstream-not-experimental': isMlAsset,
};
for (const check of builtinChecks) {
  const guard = KIND_GUARDS[check.id];
  if (guard) onlyForKinds(check, guard);
}
