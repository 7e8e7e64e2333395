/*
 * A backend that knows no Convergence package at build time: it loads them as
 * dynamic plugins from `dynamicPlugins.rootDirectory`, as Red Hat Developer Hub does.
 */
import { createBackend } from '@backstage/backend-defaults';
import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

/*
 * This repository's node_modules links every `@convergence/*` workspace
 * package, and the dynamic plugin loader keeps that folder on the plugins'
 * search path for the shared `@backstage/*` packages. So that nothing of
 * Convergence is taken from the repository instead of from a dynamic plugin
 * (which must embed what it needs), resolving `@convergence/*` to a file of
 * the repository's plugins/ folder fails. The loader then looks for
 * `<name>/package.json` among the dynamic plugins itself (resolvePackagePath).
 */
function findRepoRoot(dir: string): string {
  const manifest = path.join(dir, 'package.json');
  if (
    fs.existsSync(manifest) &&
    'workspaces' in JSON.parse(fs.readFileSync(manifest, 'utf8'))
  ) {
    return dir;
  }
  const parent = path.dirname(dir);
  if (parent === dir)
    throw new Error(`No workspace root above ${process.cwd()}`);
  return findRepoRoot(parent);
}
const repoPlugins =
  path.join(findRepoRoot(process.cwd()), 'plugins') + path.sep;
/*
 * RHDH gives a dynamic plugin the `@backstage/*` packages of its own backend;
 * everything else a plugin needs must come with it. With
 * CONVERGENCE_DYNAMIC_PLUGINS_ROOT set, a module that a file of a dynamic
 * plugin asks for and that resolves outside that plugin's folder (and is
 * neither `@backstage/*` nor part of Node) is logged once, so the test can
 * require that there are none.
 */
const pluginsRoot = process.env.CONVERGENCE_DYNAMIC_PLUGINS_ROOT
  ? fs.realpathSync(process.env.CONVERGENCE_DYNAMIC_PLUGINS_ROOT) + path.sep
  : undefined;
const reported = new Set<string>();
function reportIfOutsideItsPlugin(
  request: string,
  parent: unknown,
  resolved: string,
) {
  const from = (parent as { filename?: string } | undefined)?.filename;
  if (!pluginsRoot || !from?.startsWith(pluginsRoot)) return;
  if (request.startsWith('@backstage/') || !path.isAbsolute(resolved)) return;
  if (Module.isBuiltin(request)) return;
  const plugin = from.slice(pluginsRoot.length).split(path.sep)[0];
  if (resolved.startsWith(pluginsRoot + plugin + path.sep)) return;
  const key = `${plugin} ${request}`;
  if (reported.has(key)) return;
  reported.add(key);
  process.stderr.write(
    `dynamic plugin ${plugin} takes '${request}' from outside itself: ${resolved}\n`,
  );
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as {
  _resolveFilename: ResolveFilename;
};
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function resolveOutsideTheRepo(
  this: unknown,
  request: string,
  ...rest: unknown[]
) {
  const resolved = resolveFilename.call(this, request, ...rest);
  reportIfOutsideItsPlugin(request, rest[0], resolved);
  if (request.startsWith('@convergence/') && resolved.startsWith(repoPlugins)) {
    throw Object.assign(
      new Error(
        `Refusing to load '${request}' from the repository (${resolved}): Convergence packages must come from the dynamic plugins`,
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
  }
  return resolved;
};

const backend = createBackend();

backend.add(dynamicPluginsFeatureLoader);
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
