/**
 * ML lineage backend: upstream and downstream impact over the catalog's
 * relations, and notices to the teams downstream.
 *
 * @packageDocumentation
 */
export { mlopsPlugin as default } from './plugin';
