/**
 * Ownership scorecards backend.
 *
 * @packageDocumentation
 */
export { scorecardsPlugin as default } from './plugin';
export { ScorecardGrader } from './engine/ScorecardGrader';
export type { ScorecardGradeOptions } from './engine/ScorecardGrader';
