/**
 * Ownership scorecards backend.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default } from './plugin';
