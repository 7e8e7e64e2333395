/**
 * Convergence scaffolder actions for ML golden paths.
 *
 * @packageDocumentation
 */
export {
  scaffolderModuleMlops as default,
  catalogModuleLocalGit,
} from './module';
export { createValidateEntitiesAction } from './actions/validate';
export { createMlflowRegisterAction } from './actions/mlflowRegister';
export { createPublishLocalGitAction } from './actions/publishLocalGit';
export { LocalGitEntityProvider } from './LocalGitEntityProvider';
export { validateEntities, parseEntities } from './validateEntities';
