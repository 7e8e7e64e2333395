import {
  CheckContext,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { MONITORING_URL_ANNOTATION } from '@convergence/backstage-plugin-mlops-common';
import {
  asArray,
  fail,
  isProduction,
  kindOf,
  lookup,
  na,
  pass,
  present,
  servesModel,
  spec,
} from './helpers';

/** A model names datasets in spec[field], and the catalog has each of them. */
function modelDatasetsRegistered(
  ctx: CheckContext,
  field: 'trainedOn' | 'evaluatedOn',
) {
  if (kindOf(ctx.entity) !== 'model') return na();
  const refs = asArray(spec(ctx.entity)[field]);
  if (refs.length === 0) return fail(`spec.${field} is empty`);
  const { missing } = lookup(ctx, refs, 'dataset');
  return missing.length
    ? fail(`not in the catalog: ${missing.join(', ')}`)
    : pass();
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

/**
 * The built-in checks: ML production readiness in the spirit of Google's ML
 * Test Score, plus service readiness for components that serve models.
 */
export const builtinChecks: ScorecardCheck[] = [
  {
    id: 'owner-is-group',
    title: 'Owned by an existing team',
    why: 'Assets owned by a person or by a team that no longer exists have nobody to call when they break.',
    howToFix:
      'Set spec.owner to a Group in the catalog, e.g. group:default/fraud-ml.',
    evaluate: ctx => {
      const owner = spec(ctx.entity).owner;
      if (!present(owner)) return fail('spec.owner is empty');
      const { found } = lookup(ctx, [owner], 'group');
      if (found.length === 0)
        return fail(`owner ${owner} is not in the catalog`);
      return kindOf(found[0]) === 'group'
        ? pass()
        : fail(`owner ${owner} is a ${found[0].kind}, not a Group`);
    },
  },
  {
    id: 'has-description',
    title: 'Described',
    why: 'A one-line description is what people read in search results and tables.',
    howToFix: 'Add metadata.description.',
    evaluate: ctx =>
      present(ctx.entity.metadata.description)
        ? pass()
        : fail('metadata.description is empty'),
  },
  {
    id: 'model-card-complete',
    title: 'Model card states intended use, limitations and evaluation data',
    why: 'Consumers need to know what the model is for, where it fails and how it was judged (Model Cards, Mitchell et al.).',
    howToFix:
      'Fill spec.card.intendedUse, spec.card.limitations and spec.card.evaluationData.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'model') return na();
      const card = spec(ctx.entity).card ?? {};
      const missing = ['intendedUse', 'limitations', 'evaluationData'].filter(
        f => !present(card[f]),
      );
      return missing.length
        ? fail(`missing spec.card.${missing.join(', spec.card.')}`)
        : pass();
    },
  },
  {
    id: 'model-training-data-declared',
    title: 'Training datasets declared and registered',
    why: 'Without its training data a model cannot be reproduced, audited or checked for skew (ML Test Score: data 1–2).',
    howToFix:
      'List the training datasets in spec.trainedOn and register each as a Dataset.',
    evaluate: ctx => modelDatasetsRegistered(ctx, 'trainedOn'),
  },
  {
    id: 'model-evaluation-data-declared',
    title: 'Evaluation dataset declared',
    why: 'A model judged only on its training data hides overfitting (ML Test Score: model 6–7).',
    howToFix:
      'List the hold-out datasets in spec.evaluatedOn and register them.',
    evaluate: ctx => modelDatasetsRegistered(ctx, 'evaluatedOn'),
  },
  {
    id: 'model-produced-by-pipeline',
    title: 'Trained by a registered pipeline',
    why: 'A model trained by hand cannot be retrained the same way (ML Test Score: infra 1).',
    howToFix: 'Set spec.producedBy to the Pipeline that trains it.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'model') return na();
      const ref = spec(ctx.entity).producedBy;
      if (!present(ref)) return fail('spec.producedBy is empty');
      return lookup(ctx, [ref], 'pipeline').found.length
        ? pass()
        : fail(`${ref} is not in the catalog`);
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
      if (kindOf(ctx.entity) !== 'model' || !isProduction(ctx.entity))
        return na();
      const versions: any[] = spec(ctx.entity).versions ?? [];
      return versions.some(v =>
        (v.aliases ?? []).some((a: string) => PRODUCTION_ALIASES.includes(a)),
      )
        ? pass()
        : fail('no version has a production alias');
    },
  },
  {
    id: 'model-license-declared',
    title: 'License declared',
    why: 'Weights and fine-tunes inherit obligations from their license; legal review needs it.',
    howToFix: 'Set spec.license to an SPDX identifier (or "proprietary").',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'model') return na();
      return present(spec(ctx.entity).license)
        ? pass()
        : fail('spec.license is empty');
    },
  },
  {
    id: 'model-monitoring-link',
    title: 'Production model is monitored',
    why: 'Models decay silently; someone must watch prediction quality and drift (ML Test Score: monitoring 1–7).',
    howToFix: `Add the annotation ${MONITORING_URL_ANNOTATION} with the dashboard URL.`,
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'model' || !isProduction(ctx.entity))
        return na();
      return present(
        ctx.entity.metadata.annotations?.[MONITORING_URL_ANNOTATION],
      )
        ? pass()
        : fail(`annotation ${MONITORING_URL_ANNOTATION} is missing`);
    },
  },
  {
    id: 'lifecycle-consistent',
    title: 'Production assets come from production pipelines',
    why: 'A production model trained by an experimental pipeline has no reliable way to be retrained.',
    howToFix:
      'Promote the producing pipeline to production, or demote the asset.',
    evaluate: ctx => {
      const k = kindOf(ctx.entity);
      if ((k !== 'model' && k !== 'dataset') || !isProduction(ctx.entity))
        return na();
      const ref = spec(ctx.entity).producedBy;
      if (!present(ref)) return na('no producing pipeline declared');
      const [pipeline] = lookup(ctx, [ref], 'pipeline').found;
      if (!pipeline) return na(`${ref} is not in the catalog`);
      return isProduction(pipeline)
        ? pass()
        : fail(`${ref} is ${spec(pipeline).lifecycle}`);
    },
  },
  {
    id: 'dataset-classified',
    title: 'Dataset classified',
    why: 'Access rules, retention and where the data may flow all follow from its classification.',
    howToFix:
      'Set spec.classification to public, internal, confidential or restricted.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'dataset') return na();
      return present(spec(ctx.entity).classification)
        ? pass()
        : fail('spec.classification is empty');
    },
  },
  {
    id: 'dataset-pii-protected',
    title: 'Personal data classified confidential or restricted',
    why: 'Personal data needs the strictest handling the law requires (GDPR art. 5, 32).',
    howToFix: 'Classify the dataset confidential or restricted.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'dataset') return na();
      const s = spec(ctx.entity);
      const pii =
        s.containsPii === true ||
        (s.schema?.fields ?? []).some((f: any) => f.pii);
      if (!pii) return na('holds no personal data');
      return ['confidential', 'restricted'].includes(s.classification)
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
      if (kindOf(ctx.entity) !== 'dataset') return na();
      const s = spec(ctx.entity);
      const pii =
        s.containsPii === true ||
        (s.schema?.fields ?? []).some((f: any) => f.pii);
      if (!pii) return na('holds no personal data');
      return present(s.retention) ? pass() : fail('spec.retention is empty');
    },
  },
  {
    id: 'dataset-schema-documented',
    title: 'Schema documented',
    why: 'Feature expectations must be written down to be tested (ML Test Score: data 1).',
    howToFix: 'List the fields under spec.schema.fields with name and type.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'dataset') return na();
      return (spec(ctx.entity).schema?.fields ?? []).length
        ? pass()
        : fail('spec.schema.fields is empty');
    },
  },
  {
    id: 'pipeline-scheduled',
    title: 'Production pipeline runs on a schedule',
    why: 'Models and data go stale unless retrained and refreshed regularly (ML Test Score: monitoring 3).',
    howToFix: 'Set spec.schedule to a cron expression.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'pipeline' || !isProduction(ctx.entity))
        return na();
      return present(spec(ctx.entity).schedule)
        ? pass()
        : fail('spec.schedule is empty');
    },
  },
  {
    id: 'pipeline-last-run-succeeded',
    title: 'Last run succeeded',
    why: 'A failing pipeline means the assets it produces are getting stale.',
    howToFix:
      'Fix the failing run in the orchestrator; the provider updates spec.lastRun.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'pipeline') return na();
      const run = spec(ctx.entity).lastRun;
      if (!run) return fail('no run recorded');
      if (['running', 'pending'].includes(run.status))
        return na(`a run is ${run.status}`);
      return run.status === 'succeeded'
        ? pass()
        : fail(`last run ${run.status}`);
    },
  },
  {
    id: 'pipeline-ran-recently',
    title: 'Ran within the last 7 days',
    why: 'A pipeline that has not run for weeks is effectively abandoned.',
    howToFix: 'Run the pipeline, or schedule it.',
    evaluate: ctx => {
      if (kindOf(ctx.entity) !== 'pipeline') return na();
      const run = spec(ctx.entity).lastRun;
      const at = run?.finishedAt ?? run?.startedAt;
      if (!at) return fail('no run recorded');
      const ranAt = Date.parse(at);
      if (Number.isNaN(ranAt))
        return fail(`last run time '${at}' is not an ISO-8601 timestamp`);
      const days = (ctx.now.getTime() - ranAt) / 86_400_000;
      return days <= 7 ? pass() : fail(`last ran ${Math.floor(days)} days ago`);
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
      const refs = asArray(spec(ctx.entity).dependsOn).filter(r =>
        r.toLowerCase().startsWith('model:'),
      );
      const { found, missing } = lookup(ctx, refs, 'model');
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
];
