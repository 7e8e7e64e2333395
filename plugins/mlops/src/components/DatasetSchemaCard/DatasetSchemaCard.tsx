import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DatasetEntityV1alpha1,
  DatasetField,
} from '@convergence/backstage-plugin-mlops-common';

const columns: TableColumn<DatasetField>[] = [
  { title: 'Field', field: 'name', highlight: true },
  { title: 'Type', field: 'type' },
  {
    title: 'Personal data',
    render: f =>
      f.pii ? <Chip size="small" color="secondary" label="PII" /> : null,
  },
  { title: 'Description', render: f => f.description ?? '' },
];

/** A dataset's schema, with personal-data fields marked. */
export const DatasetSchemaCard = () => {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const fields = entity.spec.schema?.fields ?? [];
  const pii = fields.filter(f => f.pii).length;
  return (
    <Table<DatasetField>
      title="Schema"
      subtitle={
        fields.length
          ? `${fields.length} fields, ${pii} holding personal data`
          : undefined
      }
      columns={columns}
      data={fields}
      options={{
        paging: fields.length > 20,
        search: fields.length > 20,
        padding: 'dense',
      }}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          No schema documented. List the fields under{' '}
          <code>spec.schema.fields</code>, marking personal data with{' '}
          <code>pii: true</code>.
        </Typography>
      }
    />
  );
};
