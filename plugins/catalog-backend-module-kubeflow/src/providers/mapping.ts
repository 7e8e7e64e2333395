import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  KUBEFLOW_ARTIFACT_ANNOTATION,
  KUBEFLOW_PIPELINE_ID_ANNOTATION,
  KUBEFLOW_PIPELINE_VERSION_ID_ANNOTATION,
  isDatasetEntity,
  isModelEntity,
  MLOPS_API_VERSION,
  PipelineEntityV1alpha1,
} from '@convergence/backstage-plugin-mlops-common';
import {
  toEntityName,
  toOwnerRef,
} from '@convergence/backstage-plugin-mlops-node';
import {
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
} from '../client/types';

/**
 * Where mapped entities point back to, and what they default to.
 *
 * @public
 */
export type MappingOptions = {
  providerId: string;
  /** Base of the Kubeflow Pipelines UI for links (`<uiUrl>/#/pipelines/details/<id>`). */
  uiUrl: string;
  defaultOwner: string;
  system?: string;
  lifecycle: string;
  type: string;
};

/** A Model or Dataset in the catalog that artifacts can be matched to. */
export type ArtifactTarget = {
  kind: 'model' | 'dataset';
  ref: string;
  name: string;
  /** The `kubeflow.org/artifact` annotation, if any. */
  artifact?: string;
};

const MODEL_TYPES = new Set(['system.Model', 'tfx.Model']);
const DATASET_TYPES = new Set(['system.Dataset', 'tfx.Examples']);

const RUN_STATES: Record<string, string> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  RUNNING: 'running',
  PENDING: 'pending',
  CANCELED: 'cancelled',
  CANCELING: 'cancelling',
  SKIPPED: 'skipped',
  PAUSED: 'paused',
  RUNTIME_STATE_UNSPECIFIED: 'unknown',
};

/**
 * The IR of a pipeline version: the API returns either the pipeline spec
 * itself or `{ pipeline_spec, platform_spec }` when platform config exists.
 */
export function pipelineSpecOf(version?: KfpPipelineVersion): any | undefined {
  const spec = version?.pipeline_spec as any;
  if (!spec || typeof spec !== 'object') return undefined;
  return spec.pipeline_spec && !spec.pipelineInfo ? spec.pipeline_spec : spec;
}

/** `tfx` when the spec was compiled by TFX, otherwise `kubeflow`. */
export function orchestratorOf(spec: any): 'tfx' | 'kubeflow' {
  return String(spec?.sdkVersion ?? '').startsWith('tfx') ? 'tfx' : 'kubeflow';
}

/**
 * A recurring run's trigger as a five-field cron expression: Kubeflow crons
 * have a leading seconds field, which is dropped; periodic intervals that
 * divide an hour or a day become crons. Anything else has no cron form.
 */
export function scheduleOf(recurring?: KfpRecurringRun): string | undefined {
  const trigger = recurring?.trigger;
  const cron = trigger?.cron_schedule?.cron?.trim();
  if (cron) {
    const fields = cron.split(/\s+/);
    if (cron.startsWith('@')) return cron;
    if (fields.length === 6) return fields.slice(1).join(' ');
    if (fields.length === 5) return fields.join(' ');
    return undefined;
  }
  const seconds = Number(trigger?.periodic_schedule?.interval_second);
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  const minutes = seconds / 60;
  const hours = seconds / 3600;
  if (minutes === 1) return '* * * * *';
  if (Number.isInteger(minutes) && minutes < 60 && 60 % minutes === 0)
    return `*/${minutes} * * * *`;
  if (hours === 1) return '0 * * * *';
  if (Number.isInteger(hours) && hours < 24 && 24 % hours === 0)
    return `0 */${hours} * * *`;
  if (hours === 24) return '0 0 * * *';
  if (hours === 168) return '0 0 * * 0';
  return undefined;
}

function artifactKind(schemaTitle?: string): 'model' | 'dataset' | undefined {
  if (!schemaTitle) return undefined;
  if (MODEL_TYPES.has(schemaTitle)) return 'model';
  if (DATASET_TYPES.has(schemaTitle)) return 'dataset';
  return undefined;
}

/** The artifacts a compiled pipeline reads from outside and writes. */
export function artifactsOf(spec: any) {
  const consumed: Array<{
    kind: 'model' | 'dataset';
    uri?: string;
    name?: string;
    catalogEntity?: string;
  }> = [];
  const produced: Array<{ kind: 'model' | 'dataset'; name: string }> = [];
  const executors: Record<string, any> = spec?.deploymentSpec?.executors ?? {};
  const importerExecutors = new Set<string>();
  for (const [id, executor] of Object.entries(executors)) {
    const importer = executor?.importer;
    if (!importer) continue;
    importerExecutors.add(id);
    const kind = artifactKind(importer.typeSchema?.schemaTitle);
    if (!kind) continue;
    const uri = importer.artifactUri?.constant;
    consumed.push({
      kind,
      uri: typeof uri === 'string' ? uri : undefined,
      catalogEntity:
        typeof importer.metadata?.catalog_entity === 'string'
          ? importer.metadata.catalog_entity
          : undefined,
    });
  }
  // Artifacts handed to the pipeline as inputs come from outside too.
  for (const [name, def] of Object.entries<any>(
    spec?.root?.inputDefinitions?.artifacts ?? {},
  )) {
    const kind = artifactKind(def?.artifactType?.schemaTitle);
    if (kind) consumed.push({ kind, name });
  }
  for (const component of Object.values<any>(spec?.components ?? {})) {
    if (importerExecutors.has(component?.executorLabel)) continue;
    for (const [name, def] of Object.entries<any>(
      component?.outputDefinitions?.artifacts ?? {},
    )) {
      const kind = artifactKind(def?.artifactType?.schemaTitle);
      if (kind) produced.push({ kind, name });
    }
  }
  return { consumed, produced };
}

const lastSegment = (uri: string) =>
  uri.replace(/\/+$/, '').split('/').pop() ?? '';

/**
 * Matches artifacts to catalog entities. An artifact matches, in this order:
 * an importer's `catalog_entity` metadata (an entity ref); an entity whose
 * `kubeflow.org/artifact` annotation equals the importer URI or the output
 * artifact name; an entity named like the artifact (output name with `_` as
 * `-`, or the last segment of an importer URI).
 */
export function matchArtifacts(spec: any, targets: ArtifactTarget[]) {
  const { consumed, produced } = artifactsOf(spec);
  const byKind = (kind: string) => targets.filter(t => t.kind === kind);
  const find = (kind: string, keys: string[]) => {
    const candidates = byKind(kind);
    for (const key of keys.filter(Boolean)) {
      const hit =
        candidates.find(t => t.artifact === key) ??
        candidates.find(
          t =>
            t.name === toEntityName(key, kind) ||
            t.name === toEntityName(key.replace(/_/g, '-'), kind),
        );
      if (hit) return hit.ref;
    }
    return undefined;
  };
  const consumes = new Set<string>();
  for (const a of consumed) {
    const explicit = a.catalogEntity?.toLowerCase();
    const ref =
      (explicit && targets.find(t => t.ref === explicit)?.ref) ??
      find(a.kind, [
        a.uri ?? '',
        a.name ?? '',
        a.uri ? lastSegment(a.uri) : '',
      ]);
    if (ref) consumes.add(ref);
  }
  const produces = new Set<string>();
  for (const a of produced) {
    const ref = find(a.kind, [a.name]);
    if (ref) produces.add(ref);
  }
  return { consumes: [...consumes].sort(), produces: [...produces].sort() };
}

/** One Kubeflow pipeline, its latest version, schedule and latest run as a Pipeline entity. */
export function pipelineToEntity(
  input: {
    pipeline: KfpPipeline;
    version?: KfpPipelineVersion;
    recurringRun?: KfpRecurringRun;
    lastRun?: KfpRun;
    targets: ArtifactTarget[];
  },
  options: MappingOptions,
): PipelineEntityV1alpha1 {
  const { pipeline, version, recurringRun, lastRun } = input;
  const spec = pipelineSpecOf(version);
  const tags = pipeline.tags ?? {};
  const ui = options.uiUrl.replace(/\/+$/, '');
  const pipelineUrl = `${ui}/#/pipelines/details/${pipeline.pipeline_id}`;
  const location = `url:${pipelineUrl}`;
  const schedule = scheduleOf(recurringRun);
  const { consumes, produces } = matchArtifacts(spec, input.targets);
  const system = tags.system ?? options.system;
  const displayName =
    pipeline.display_name || pipeline.name || pipeline.pipeline_id;
  const entity: PipelineEntityV1alpha1 = {
    apiVersion: MLOPS_API_VERSION,
    kind: 'Pipeline',
    metadata: {
      name: toEntityName(
        pipeline.name || pipeline.display_name || pipeline.pipeline_id,
        'pipeline',
      ),
      title: displayName,
      description:
        pipeline.description || spec?.pipelineInfo?.description || undefined,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [KUBEFLOW_PIPELINE_ID_ANNOTATION]: pipeline.pipeline_id,
        ...(version && {
          [KUBEFLOW_PIPELINE_VERSION_ID_ANNOTATION]:
            version.pipeline_version_id,
        }),
        ...(recurringRun &&
          !schedule && {
            'kubeflow.org/schedule-interval-seconds': String(
              recurringRun.trigger?.periodic_schedule?.interval_second ?? '',
            ),
          }),
      },
      links: [
        { url: pipelineUrl, title: 'Kubeflow Pipelines', icon: 'dashboard' },
      ],
    },
    spec: {
      type: tags.type ?? options.type,
      lifecycle: tags.lifecycle ?? options.lifecycle,
      owner: toOwnerRef(tags.owner ?? options.defaultOwner),
      ...(system && { system }),
      orchestrator: orchestratorOf(spec),
      ...(schedule && { schedule }),
      ...(consumes.length && { consumes }),
      ...(produces.length && { produces }),
      ...(lastRun && {
        lastRun: {
          status:
            RUN_STATES[lastRun.state ?? ''] ??
            (lastRun.state ?? 'unknown').toLowerCase(),
          ...(lastRun.created_at && { startedAt: lastRun.created_at }),
          ...(lastRun.finished_at &&
            !lastRun.finished_at.startsWith('1970-') && {
              finishedAt: lastRun.finished_at,
            }),
          url: `${ui}/#/runs/details/${lastRun.run_id}`,
        },
      }),
    },
  };
  if (!entity.metadata.description) delete entity.metadata.description;
  return entity;
}

/** A catalog entity as a target for artifact matching. */
export function toArtifactTarget(entity: Entity): ArtifactTarget | undefined {
  let kind: ArtifactTarget['kind'];
  if (isModelEntity(entity)) kind = 'model';
  else if (isDatasetEntity(entity)) kind = 'dataset';
  else return undefined;
  return {
    kind,
    ref: stringifyEntityRef(entity),
    name: entity.metadata.name,
    artifact: entity.metadata.annotations?.[KUBEFLOW_ARTIFACT_ANNOTATION],
  };
}
