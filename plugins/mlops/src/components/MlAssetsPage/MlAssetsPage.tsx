import { Header, Page } from '@backstage/core-components';
import { MlAssetsTable } from './MlAssetsTable';

/** The "ML assets" page for apps on the legacy frontend system. */
export const MlAssetsPage = () => (
  <Page themeId="tool">
    <Header
      title="ML assets"
      subtitle="Models, datasets and pipelines across the organisation"
    />
    <MlAssetsTable />
  </Page>
);
