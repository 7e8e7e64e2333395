import { InfoCard, Link, Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
  MLFLOW_URL_ANNOTATION,
  ModelEntityV1alpha1,
  ModelVersion,
} from '@convergence/backstage-plugin-mlops-common';
import { formatMetric, formatTimestamp } from '../common/format';

const useStyles = makeStyles({
  // A metric stays on its line ("precision_at_1pct_fpr 0.81"); a param's
  // value (a path, a list) may break where it must.
  metric: { whiteSpace: 'nowrap' },
  param: { overflowWrap: 'anywhere' },
});

/** One metric or param a line. */
const lines = (items: string[], className: string) =>
  items.length === 0
    ? '—'
    : items.map(item => (
        <div key={item} className={className}>
          {item}
        </div>
      ));

// Columns of short values take only the room they need; the others share
// the rest by their content (the table's default, equal shares, cut the
// last column off). Seven columns fit a half-screen card with less padding.
const padding = { paddingLeft: 12, paddingRight: 12 };
const narrow = () => ({
  width: '1%',
  cellStyle: { ...padding, whiteSpace: 'nowrap' as const },
});
const wide = () => ({ width: 'auto', cellStyle: { ...padding } });

function columns(
  classes: ReturnType<typeof useStyles>,
  mlflowUrl?: string,
): TableColumn<ModelVersion>[] {
  return [
    {
      title: 'Version',
      highlight: true,
      ...narrow(),
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
      ...wide(),
      render: v =>
        (v.aliases ?? []).map(a => <Chip key={a} size="small" label={a} />),
    },
    { title: 'Status', render: v => v.status ?? '—', ...narrow() },
    {
      title: 'Created',
      ...wide(),
      render: v => formatTimestamp(v.createdAt) ?? '—',
    },
    {
      title: 'Metrics',
      ...wide(),
      render: v =>
        lines(
          Object.entries(v.metrics ?? {}).map(
            ([k, m]) => `${k} ${formatMetric(m)}`,
          ),
          classes.metric,
        ),
    },
    {
      title: 'Params',
      ...wide(),
      render: v =>
        lines(
          Object.entries(v.params ?? {}).map(([k, p]) => `${k}=${p}`),
          classes.param,
        ),
    },
    {
      title: 'Run',
      ...narrow(),
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
  const classes = useStyles();
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
        columns={columns(classes, mlflowUrl)}
        data={versions}
        options={{
          toolbar: false,
          paging: versions.length > 10,
          search: false,
          // Newest first as the registry lists them; the sort icons'
          // room in every header made the table wider than its card.
          sorting: false,
          padding: 'dense',
          headerStyle: padding,
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
