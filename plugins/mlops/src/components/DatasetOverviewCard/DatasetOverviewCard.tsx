import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DatasetEntityV1alpha1 } from '@convergence/backstage-plugin-mlops-common';
import { Classification } from '../common/Classification';
import { formatRetention } from '../common/format';
import { ownershipRows } from '../common/EntityLink';

const yesNo = (value?: boolean) => {
  if (value === undefined) return 'not stated';
  return value ? 'yes' : 'no';
};

/** Where a dataset lives, how sensitive it is and how long it is kept. */
export const DatasetOverviewCard = () => {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const { spec } = entity;
  const metadata: Record<string, unknown> = {
    type: spec.type,
    source: spec.source ? `${spec.source.type}: ${spec.source.uri}` : '—',
    format: spec.format ?? '—',
    classification: <Classification value={spec.classification} />,
    'personal data': yesNo(spec.containsPii),
    retention: formatRetention(spec.retention) ?? 'not set',
    license: spec.license ?? '—',
    version: spec.version ?? spec.digest ?? '—',
    ...ownershipRows(spec),
  };
  return (
    <InfoCard title="Dataset">
      <StructuredMetadataTable metadata={metadata} dense />
    </InfoCard>
  );
};
