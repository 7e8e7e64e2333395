/**
 * Test utilities for the Convergence entity providers and their users
 * (tests, benchmarks): msw fakes of platform APIs, a recording provider
 * connection, assertions shared by the crawling providers' tests, and a
 * real MLflow tracking server from the repository's Python virtualenv with
 * a seeder for it; a seeded pseudo-random generator for generated data.
 *
 * @packageDocumentation
 */
export * from './testUtils/backend';
export * from './testUtils/crawl';
export * from './testUtils/fakeApi';
export * from './testUtils/mlflowServer';
export * from './testUtils/random';
