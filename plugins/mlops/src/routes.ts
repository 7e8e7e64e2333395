import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The ML assets page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'mlops' });
