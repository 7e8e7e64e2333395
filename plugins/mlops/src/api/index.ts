export { mlopsApiRef } from './MlopsApi';
export type { MlopsApi, MlopsEntityRef } from './MlopsApi';
export { MlopsClient } from './MlopsClient';
