import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import {
  isDatasetEntity,
  isModelEntity,
  isPipelineEntity,
} from '@convergence/backstage-plugin-mlops-common';
import { ML_KINDS } from '../MlAssetsPage/MlAssetsTable';
import { assetColumns } from '../common/columns';

const columns = [
  assetColumns.name,
  assetColumns.kind,
  assetColumns.type,
  assetColumns.lifecycle,
];

/** The models, datasets and pipelines a team (or user) owns. */
export const GroupMlAssetsCard = () => {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const ownerRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () =>
      catalogApi.queryEntities({
        query: {
          $all: [
            { kind: { $in: ML_KINDS } },
            { 'relations.ownedBy': ownerRef },
          ],
        },
        orderFields: [
          { field: 'kind', order: 'asc' },
          { field: 'metadata.name', order: 'asc' },
        ],
        limit: 200,
      }),
    [catalogApi, ownerRef],
  );

  if (loading) {
    return (
      <InfoCard title="ML assets">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <ResponseErrorPanel error={error} title="Could not load ML assets" />
    );
  }
  const items = value?.items ?? [];
  if (items.length === 0) {
    return (
      <InfoCard title="ML assets">
        <EmptyState
          missing="data"
          title="No models, datasets or pipelines"
          description={`Nothing in the catalog is owned by ${
            entity.metadata.title ?? entity.metadata.name
          } yet. Register an asset with spec.owner: ${ownerRef}.`}
        />
      </InfoCard>
    );
  }
  const count = (is: (e: Entity) => boolean) => items.filter(is).length;
  return (
    <Table<Entity>
      title="ML assets"
      subtitle={`${count(isModelEntity)} models · ${count(
        isDatasetEntity,
      )} datasets · ${count(isPipelineEntity)} pipelines`}
      columns={columns}
      data={items}
      options={{
        paging: items.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
    />
  );
};
