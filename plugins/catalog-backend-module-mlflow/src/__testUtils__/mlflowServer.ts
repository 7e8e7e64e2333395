// Moved to @convergence/backstage-plugin-mlops-node/testUtils; this re-export
// keeps the old import path working until its last importer switches.
export * from '@convergence/backstage-plugin-mlops-node/testUtils';
