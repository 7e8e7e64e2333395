import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import {
  DatasetEntityV1alpha1,
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
  MLFLOW_URL_ANNOTATION,
  MLOPS_API_VERSION,
  ModelEntityV1alpha1,
  ModelVersion,
} from '@convergence/backstage-plugin-mlops-common';
import {
  toEntityName,
  toOwnerRef,
} from '@convergence/backstage-plugin-mlops-node';
import {
  MlflowLoggedModel,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  MlflowTag,
} from '../client/types';

/**
 * The digest of the MLflow dataset an entity was read from.
 *
 * @public
 */
export const MLFLOW_DATASET_DIGEST_ANNOTATION = 'mlflow.org/dataset-digest';

/**
 * Where mapped entities point back to, and what they default to.
 *
 * @public
 */
export type MappingOptions = {
  providerId: string;
  /** Base of the MLflow UI for links. */
  uiUrl: string;
  defaultOwner: string;
  /** The registered-model tag that names the owner. Default `owner`. */
  ownerTag: string;
  system?: string;
  /** spec.type of models without a `type` tag. */
  type: string;
  /** Aliases that mark the version whose metrics are the headline ones. */
  headlineAliases: string[];
};

/** A model, its versions (newest first) and each version's run. */
export type CrawledModel = {
  model: MlflowRegisteredModel;
  versions: MlflowModelVersion[];
  runs: ReadonlyMap<string, MlflowRun>;
  /** MLflow 3 logged models of the versions, by model id. */
  loggedModels?: ReadonlyMap<string, MlflowLoggedModel>;
};

const EVALUATION = new Set([
  'evaluation',
  'eval',
  'validation',
  'test',
  'testing',
]);

const tagsOf = (tags?: MlflowTag[]) =>
  Object.fromEntries((tags ?? []).map(t => [t.key, t.value]));

/** ISO-8601 from MLflow's epoch milliseconds. */
export function isoTime(ms?: number | string): string | undefined {
  const n = Number(ms);
  return ms !== undefined && Number.isFinite(n) && n > 0
    ? new Date(n).toISOString()
    : undefined;
}

/** The dataset's location: the `uri` of MLflow's JSON source, else the raw text. */
export function datasetSource(source?: string): string | undefined {
  if (!source) return undefined;
  try {
    const parsed = JSON.parse(source);
    const uri =
      parsed?.uri ?? parsed?.url ?? parsed?.path ?? parsed?.table_name;
    return typeof uri === 'string' && uri ? uri : source;
  } catch {
    return source;
  }
}

/**
 * The id of the MLflow 3 logged model a version registers: its `model_id`,
 * else the id in its `source` when that is exactly `models:/<model id>`
 * (MLflow's own registry leaves `model_id` out and names the logged model
 * only there). Logged model ids are `m-` and 32 hex digits; the other forms
 * of a models URI (`models:/<name>/<version>`, `models:/<name>@<alias>`)
 * name registered models, not logged ones.
 */
export function loggedModelIdOf(
  version: Pick<MlflowModelVersion, 'model_id' | 'source'>,
): string | undefined {
  if (version.model_id) return version.model_id;
  return /^models:\/(m-[0-9a-f]{32})$/.exec(version.source ?? '')?.[1];
}

/** The latest value of each metric of a run. */
function metricsOf(
  source?: MlflowRun | MlflowLoggedModel,
): Record<string, number> | undefined {
  const latest = new Map<string, { value: number; at: number; step: number }>();
  for (const m of source?.data?.metrics ?? []) {
    const at = Number(m.timestamp ?? 0);
    const step = Number(m.step ?? 0);
    const seen = latest.get(m.key);
    if (!seen || step > seen.step || (step === seen.step && at >= seen.at)) {
      latest.set(m.key, { value: Number(m.value), at, step });
    }
  }
  if (!latest.size) return undefined;
  return Object.fromEntries(
    [...latest]
      .filter(([, v]) => Number.isFinite(v.value))
      .map(([k, v]) => [k, v.value]),
  );
}

/** The version whose metrics head the model: a headline alias, else the Production stage. */
export function headlineVersion(
  model: MlflowRegisteredModel,
  versions: MlflowModelVersion[],
  headlineAliases: string[],
): MlflowModelVersion | undefined {
  for (const alias of headlineAliases) {
    const v =
      model.aliases?.find(a => a.alias === alias)?.version ??
      versions.find(mv => mv.aliases?.includes(alias))?.version;
    const hit = v && versions.find(mv => mv.version === String(v));
    if (hit) return hit;
  }
  return versions.find(v => v.current_stage === 'Production');
}

/**
 * One registered model and the datasets its runs read, as entities. The
 * datasets come from the run of the headline version (or the newest one):
 * inputs tagged `mlflow.data.context` evaluation/eval/validation/test/testing
 * become `evaluatedOn`; every other input (training/train, no context tag,
 * or a context the mapping does not know) becomes `trainedOn`, so that no
 * dataset a run logged is lost.
 */
export function modelToEntities(
  crawled: CrawledModel,
  options: MappingOptions,
  /** Dataset entity names that exist in the catalog from another source. */
  existingDatasets: ReadonlySet<string> = new Set(),
): { model: ModelEntityV1alpha1; datasets: DatasetEntityV1alpha1[] } {
  const { model, versions, runs } = crawled;
  const tags = tagsOf(model.tags);
  const ui = options.uiUrl.replace(/\/+$/, '');
  const modelUrl = `${ui}/#/models/${encodeURIComponent(model.name)}`;
  const location = `url:${modelUrl}`;
  const owner = toOwnerRef(tags[options.ownerTag] || options.defaultOwner);
  const system = tags.system ?? options.system;
  const headline = headlineVersion(model, versions, options.headlineAliases);
  const aliasesOf = (version: string) => [
    ...new Set([
      ...(model.aliases ?? [])
        .filter(a => String(a.version) === version)
        .map(a => a.alias),
      ...(versions.find(v => v.version === version)?.aliases ?? []),
    ]),
  ];
  const lifecycle =
    tags.lifecycle ?? (headline ? 'production' : 'experimental');

  const modelVersions: ModelVersion[] = versions.map(v => {
    const run = v.run_id ? runs.get(v.run_id) : undefined;
    const aliases = aliasesOf(v.version);
    // MLflow 3 logs metrics on the logged model a version registers; they
    // describe that model, so they win over the run's.
    const loggedModelId = loggedModelIdOf(v);
    const logged = loggedModelId
      ? crawled.loggedModels?.get(loggedModelId)
      : undefined;
    const metrics = metricsOf(logged) ?? metricsOf(run);
    const allParams = [
      ...(run?.data?.params ?? []),
      ...(logged?.data?.params ?? []),
    ];
    const params = allParams.length
      ? Object.fromEntries(allParams.map(p => [p.key, String(p.value)]))
      : undefined;
    const createdAt = isoTime(v.creation_timestamp);
    const status =
      v.current_stage === 'Archived' ? 'archived' : v.status ?? undefined;
    return {
      version: String(v.version),
      ...(aliases.length && { aliases }),
      ...(status && { status }),
      ...(v.run_id && { runId: v.run_id }),
      ...(v.source && { source: v.source }),
      ...(metrics && { metrics }),
      ...(params && { params }),
      ...(createdAt && { createdAt }),
    };
  });

  // Datasets of the headline version's run, or of the newest version's.
  const source = headline ?? versions[0];
  const run = source?.run_id ? runs.get(source.run_id) : undefined;
  const trainedOn = new Set<string>();
  const evaluatedOn = new Set<string>();
  const datasets = new Map<string, DatasetEntityV1alpha1>();
  for (const input of run?.inputs?.dataset_inputs ?? []) {
    if (!input.dataset?.name) continue;
    const context = (
      tagsOf(input.tags)['mlflow.data.context'] ?? ''
    ).toLowerCase();
    const into = EVALUATION.has(context) ? evaluatedOn : trainedOn;
    const name = toEntityName(input.dataset.name, 'dataset');
    into.add(`dataset:default/${name}`);
    if (existingDatasets.has(name) || datasets.has(name)) continue;
    const dsSource = datasetSource(input.dataset.source);
    datasets.set(name, {
      apiVersion: MLOPS_API_VERSION,
      kind: 'Dataset',
      metadata: {
        name,
        ...(name !== input.dataset.name && { title: input.dataset.name }),
        description: `Read by the MLflow run ${run!.info.run_id} of ${
          model.name
        } version ${source.version}.`,
        annotations: {
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          ...(input.dataset.digest && {
            [MLFLOW_DATASET_DIGEST_ANNOTATION]: input.dataset.digest,
          }),
          ...(run!.info.experiment_id && {
            [MLFLOW_URL_ANNOTATION]: `${ui}/#/experiments/${
              run!.info.experiment_id
            }/runs/${run!.info.run_id}`,
          }),
        },
      },
      spec: {
        type: 'table',
        lifecycle,
        owner,
        ...(system && { system }),
        ...(dsSource && {
          source: {
            type: input.dataset.source_type || 'mlflow',
            uri: dsSource,
          },
        }),
        ...(input.dataset.digest && { digest: input.dataset.digest }),
      },
    });
  }

  const entityName = toEntityName(model.name, 'model');
  const metrics = headline?.version
    ? modelVersions.find(v => v.version === String(headline.version))?.metrics
    : undefined;
  const entity: ModelEntityV1alpha1 = {
    apiVersion: MLOPS_API_VERSION,
    kind: 'Model',
    metadata: {
      name: entityName,
      ...(entityName !== model.name && { title: model.name }),
      ...(model.description && { description: model.description }),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [MLFLOW_REGISTERED_MODEL_ANNOTATION]: model.name,
        [MLFLOW_URL_ANNOTATION]: modelUrl,
      },
      links: [
        { url: modelUrl, title: 'MLflow model registry', icon: 'dashboard' },
      ],
    },
    spec: {
      type: tags.type ?? options.type,
      lifecycle,
      owner,
      ...(system && { system }),
      ...(tags.framework && { framework: tags.framework }),
      ...(tags.task && { task: tags.task }),
      ...(tags.license && { license: tags.license }),
      ...(trainedOn.size && { trainedOn: [...trainedOn].sort() }),
      ...(evaluatedOn.size && { evaluatedOn: [...evaluatedOn].sort() }),
      ...(metrics && { metrics }),
      ...(modelVersions.length && { versions: modelVersions }),
    },
  };
  return { model: entity, datasets: [...datasets.values()] };
}
