/**
 * Test utilities for the plugins that read scorecards through
 * `scorecardsApiRef`.
 *
 * @packageDocumentation
 */
export {
  mockScorecardDefinitions,
  scorecardsApiMock,
} from './scorecardsApiMock';
