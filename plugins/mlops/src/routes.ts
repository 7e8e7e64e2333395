import { createRouteRef } from '@backstage/core-plugin-api';

/** The ML assets page. */
export const rootRouteRef = createRouteRef({ id: 'mlops' });
