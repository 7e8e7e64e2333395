import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { catalogGraphMlopsModule } from '@convergence/backstage-plugin-mlops/alpha';

/**
 * The Convergence portal. Plugins listed in this package's package.json are
 * discovered automatically (`app.packages: all` in app-config.yaml).
 */
export default createApp({
  features: [catalogPlugin, navModule, catalogGraphMlopsModule],
});
