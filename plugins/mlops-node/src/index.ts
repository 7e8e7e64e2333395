/**
 * Node helpers shared by the Convergence backend packages: the entity
 * providers' crawling base and HTTP client, the lineage walk, and the
 * reading of validated request input and of the entity a route names.
 *
 * @packageDocumentation
 */
export * from './PlatformApiClient';
export * from './helpers';
export * from './CrawlingEntityProvider';
export * from './config';
export * from './lineage';
export * from './parseInput';
export * from './http';
