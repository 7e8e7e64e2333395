/**
 * Node helpers shared by the Convergence backend packages: the entity
 * providers' crawling base and HTTP client, and the lineage walk.
 *
 * @packageDocumentation
 */
export * from './PlatformApiClient';
export * from './helpers';
export * from './CrawlingEntityProvider';
export * from './config';
export * from './lineage';
