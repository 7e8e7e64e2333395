/**
 * Node helpers shared by the Convergence entity providers.
 *
 * @packageDocumentation
 */
export * from './PlatformApiClient';
export * from './helpers';
export * from './CrawlingEntityProvider';
export * from './config';
