import {
  InfoCard,
  Link,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { PipelineEntityV1alpha1 } from '@convergence/backstage-plugin-mlops-common';
import { RunStatus } from '../common/RunStatus';
import {
  formatDuration,
  formatSchedule,
  formatTimestamp,
} from '../common/format';
import { ownershipRows } from '../common/EntityLink';

/** How a pipeline runs: orchestrator, schedule and its last run. */
export const PipelineOverviewCard = () => {
  const { entity } = useEntity<PipelineEntityV1alpha1>();
  const { spec } = entity;
  const run = spec.lastRun;
  const metadata: Record<string, unknown> = {
    orchestrator: spec.orchestrator ?? '—',
    schedule: formatSchedule(spec.schedule) ?? 'not scheduled (runs on demand)',
    'last run': run ? <RunStatus status={run.status} /> : 'no run recorded',
    ...(run && {
      started: formatTimestamp(run.startedAt) ?? '—',
      duration: formatDuration(run.startedAt, run.finishedAt) ?? '—',
      ...(run.url && {
        'run details': (
          <Link to={run.url}>
            open in {spec.orchestrator ?? 'orchestrator'}
          </Link>
        ),
      }),
    }),
    type: spec.type,
    ...ownershipRows(spec),
  };
  return (
    <InfoCard title="Pipeline">
      <StructuredMetadataTable metadata={metadata} dense />
    </InfoCard>
  );
};
