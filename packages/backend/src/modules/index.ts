/**
 * The portal backend's own modules that other workspaces may install, as
 * `backend/modules`: the benchmarks run the portal's real permission policy.
 *
 * @packageDocumentation
 */
export { permissionModuleConvergencePolicy } from './permissionPolicy';
