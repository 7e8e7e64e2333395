/**
 * Test utilities for the Convergence entity providers and their users
 * (tests, benchmarks): a real MLflow tracking server from the repository's
 * Python virtualenv and a seeder for it.
 *
 * @packageDocumentation
 */
export * from './testUtils/mlflowServer';
