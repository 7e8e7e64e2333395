/**
 * Convergence scaffolder actions for ML golden paths.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMlops as default } from './module';
export { createValidateEntitiesAction } from './actions/validate';
export { createMlflowRegisterAction } from './actions/mlflowRegister';
export { createPublishLocalGitAction } from './actions/publishLocalGit';
export { LocalGitEntityProvider } from './LocalGitEntityProvider';
export { localGitBaseDir, LOCAL_GIT_TOPIC } from './localGit';
export {
  validateEntities,
  parseEntities,
  TEMPLATE_OUTPUT_KINDS,
} from './validateEntities';
