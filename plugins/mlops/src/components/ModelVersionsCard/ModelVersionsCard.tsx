import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
  MLFLOW_URL_ANNOTATION,
  ModelEntityV1alpha1,
  ModelVersion,
} from '@convergence/backstage-plugin-mlops-common';
import { formatMetrics, formatTimestamp } from '../common/format';

const paramsText = (params?: Record<string, string>) =>
  Object.entries(params ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' · ');

function columns(mlflowUrl?: string): TableColumn<ModelVersion>[] {
  return [
    {
      title: 'Version',
      highlight: true,
      render: v =>
        mlflowUrl ? (
          <Link to={`${mlflowUrl}/versions/${encodeURIComponent(v.version)}`}>
            {v.version}
          </Link>
        ) : (
          v.version
        ),
    },
    {
      title: 'Aliases',
      render: v =>
        (v.aliases ?? []).map(a => <Chip key={a} size="small" label={a} />),
    },
    { title: 'Status', render: v => v.status ?? '—' },
    { title: 'Created', render: v => formatTimestamp(v.createdAt) ?? '—' },
    { title: 'Metrics', render: v => formatMetrics(v.metrics) || '—' },
    { title: 'Params', render: v => paramsText(v.params) || '—' },
    {
      title: 'Run',
      render: v =>
        v.runId ? <span title={v.runId}>{v.runId.slice(0, 8)}</span> : '—',
    },
  ];
}

/**
 * Every registered version of the model, with aliases, metrics and params;
 * linked to the MLflow registry when the model comes from MLflow.
 */
export const ModelVersionsCard = () => {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const versions = entity.spec.versions ?? [];
  const annotations = entity.metadata.annotations ?? {};
  const mlflowUrl = annotations[MLFLOW_URL_ANNOTATION]?.replace(/\/+$/, '');
  const registered = annotations[MLFLOW_REGISTERED_MODEL_ANNOTATION];
  return (
    <InfoCard
      title="Versions"
      subheader={registered && `Registered in MLflow as ${registered}`}
      noPadding
      deepLink={
        mlflowUrl ? { title: 'Open in MLflow', link: mlflowUrl } : undefined
      }
    >
      <Table<ModelVersion>
        columns={columns(mlflowUrl)}
        data={versions}
        options={{
          toolbar: false,
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
    </InfoCard>
  );
};
