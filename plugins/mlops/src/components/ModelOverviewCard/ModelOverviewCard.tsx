import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ModelEntityV1alpha1 } from '@convergence/backstage-plugin-mlops-common';
import { formatMetrics } from '../common/format';
import { ownershipRows } from '../common/EntityLink';

/** The essentials of a model: what it is, who owns it, how good it is. */
export const ModelOverviewCard = () => {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const { spec } = entity;
  const champion = spec.versions?.find(v =>
    v.aliases?.some(a => ['champion', 'production'].includes(a)),
  );
  const metadata: Record<string, unknown> = {
    type: spec.type,
    task: spec.task ?? '—',
    framework: spec.framework ?? '—',
    license: spec.license ?? 'not declared',
    ...ownershipRows(spec),
    'production version': champion
      ? `${champion.version} (${champion.aliases?.join(', ')})`
      : 'none',
    'headline metrics': formatMetrics(spec.metrics ?? champion?.metrics) || '—',
  };
  return (
    <InfoCard title="Model">
      <StructuredMetadataTable metadata={metadata} dense />
    </InfoCard>
  );
};
