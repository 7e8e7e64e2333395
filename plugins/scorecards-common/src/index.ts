/**
 * Ownership scorecards: shared types and permissions.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './client';
export * from './time';
export * from './exemptions';
