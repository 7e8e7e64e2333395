/**
 * Model, Dataset and Pipeline entity kinds for the Backstage catalog.
 *
 * @packageDocumentation
 */
export * from './kinds/common';
export * from './kinds/Model.v1alpha1';
export * from './kinds/Dataset.v1alpha1';
export * from './kinds/Pipeline.v1alpha1';
export * from './relations';
export * from './annotations';
export * from './guards';
export * from './policies';
export * from './lineage';
export * from './validation';
export * from './references';
