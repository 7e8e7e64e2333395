import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ModelEntityV1alpha1,
  ModelVersion,
} from '@convergence/backstage-plugin-mlops-common';
import { formatMetrics, formatTimestamp } from '../common/format';

const columns: TableColumn<ModelVersion>[] = [
  { title: 'Version', field: 'version', highlight: true },
  {
    title: 'Aliases',
    render: v =>
      (v.aliases ?? []).map(a => <Chip key={a} size="small" label={a} />),
  },
  { title: 'Status', render: v => v.status ?? '—' },
  { title: 'Created', render: v => formatTimestamp(v.createdAt) ?? '—' },
  { title: 'Metrics', render: v => formatMetrics(v.metrics) || '—' },
  { title: 'Run', render: v => v.runId ?? '—' },
];

/** Every registered version of the model, with aliases and metrics. */
export const ModelVersionsCard = () => {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const versions = entity.spec.versions ?? [];
  return (
    <Table<ModelVersion>
      title="Versions"
      columns={columns}
      data={versions}
      options={{
        paging: versions.length > 10,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          No versions registered. Add <code>spec.versions</code> to the model,
          or connect its MLflow registry.
        </Typography>
      }
    />
  );
};
