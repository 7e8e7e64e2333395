import { TableColumn } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { MaybeEntityLink } from './EntityLink';

const specField = (field: string) => (e: Entity) =>
  String((e.spec as any)?.[field] ?? '');

/** Table columns for lists of ML assets, shared by the page and the team card. */
export const assetColumns: Record<
  | 'name'
  | 'kind'
  | 'type'
  | 'owner'
  | 'lifecycle'
  | 'framework'
  | 'description',
  TableColumn<Entity>
> = {
  name: {
    title: 'Name',
    highlight: true,
    render: e => (
      <EntityRefLink
        entityRef={e}
        title={e.metadata.title ?? e.metadata.name}
      />
    ),
  },
  kind: { title: 'Kind', render: e => e.kind },
  type: { title: 'Type', render: specField('type') },
  owner: {
    title: 'Owner',
    render: e => (
      <MaybeEntityLink entityRef={(e.spec as any)?.owner} defaultKind="group" />
    ),
  },
  lifecycle: { title: 'Lifecycle', render: specField('lifecycle') },
  framework: { title: 'Framework', render: specField('framework') },
  description: {
    title: 'Description',
    render: e => e.metadata.description ?? '',
  },
};
