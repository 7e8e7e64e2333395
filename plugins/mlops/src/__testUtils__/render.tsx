import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';

/** Renders a component in the test app, on an entity's page, over a mock catalog. */
export function renderWithEntity(
  element: ReactElement,
  entity?: Entity,
  entities: Entity[] = [],
  extraApis: ReadonlyArray<readonly [any, any]> = [],
) {
  const catalogApi = catalogApiMock({ entities });
  return renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalogApi], ...extraApis] as any}>
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
