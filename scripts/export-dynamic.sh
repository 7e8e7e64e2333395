#!/usr/bin/env bash
# Exports the Convergence plugins as Red Hat Developer Hub dynamic plugins with
# the RHDH CLI (`rhdh-cli plugin export`) and gathers them into dist-dynamic/
# (git-ignored), one folder per plugin, named as RHDH expects:
# dist-dynamic/convergence-backstage-plugin-<name>-dynamic.
#
#   scripts/export-dynamic.sh                the 7 backend plugins and modules
#                                            and the 2 frontend plugins (2.5 to
#                                            4 minutes on 2 cores)
#   scripts/export-dynamic.sh --no-frontend  the backend ones only (the frontend
#                                            export is a webpack build of about
#                                            45 seconds per plugin)
#   scripts/export-dynamic.sh --no-build     export what is already built
#
# `@backstage/*` packages stay shared (peer dependencies provided by RHDH); the
# `@convergence/*` libraries a backend package uses (mlops-common, mlops-node,
# scorecards-common, scorecards-node) are embedded in it with --embed-package.
# The frontend plugins bundle their libraries in their Scalprum assets.
# See docs/rhdh/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/options.sh"
set -euo pipefail

RHDH_CLI_VERSION=1.9.1
BACKEND_PACKAGES=(
  mlops-backend
  scorecards-backend
  scorecards-backend-module-mlflow
  scorecards-backend-module-kubeflow
  catalog-backend-module-mlops
  catalog-backend-module-mlflow
  catalog-backend-module-kubeflow
  scaffolder-backend-module-mlops
)
FRONTEND_PACKAGES=(mlops scorecards)

frontend=1
build=1
parse_switches --no-frontend frontend=0 --no-build build=0 -- "$@"

bootstrap
cd "$REPO_ROOT"
t0="$(now)"

# The RHDH CLI, pinned to the version that matches the served RHDH.
cli_dir="$TOOLS_DIR/rhdh-cli"
cli="$cli_dir/node_modules/.bin/rhdh-cli"
if [ ! -x "$cli" ] || [ "$("$cli" --version 2>/dev/null)" != "$RHDH_CLI_VERSION" ]; then
  phase "installing @red-hat-developer-hub/cli@$RHDH_CLI_VERSION into .tools/rhdh-cli"
  command -v npm >/dev/null 2>&1 || { echo "npm is required to install the RHDH CLI" >&2; exit 1; }
  mkdir -p "$cli_dir"
  npm install --prefix "$cli_dir" --no-audit --no-fund --loglevel=error \
    "@red-hat-developer-hub/cli@$RHDH_CLI_VERSION" >/dev/null ||
    { echo "could not install @red-hat-developer-hub/cli@$RHDH_CLI_VERSION" >&2; exit 1; }
fi
phase "rhdh-cli $("$cli" --version)"

packages=("${BACKEND_PACKAGES[@]}")
if [ "$frontend" -eq 1 ]; then packages+=("${FRONTEND_PACKAGES[@]}"); fi

# The @convergence/* workspace packages a package depends on, transitively.
internal_deps() {
  node - "$1" <<'EOF'
const fs = require('fs');
const path = require('path');
const root = process.cwd();
const byName = new Map();
for (const dir of fs.readdirSync(path.join(root, 'plugins'))) {
  const file = path.join(root, 'plugins', dir, 'package.json');
  if (fs.existsSync(file)) byName.set(JSON.parse(fs.readFileSync(file, 'utf8')).name, dir);
}
const seen = new Set();
const visit = dir => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'plugins', dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@convergence/') && byName.has(dep) && !seen.has(dep)) {
      seen.add(dep);
      visit(byName.get(dep));
    }
  }
};
visit(process.argv[2]);
console.log([...seen].sort().join(' '));
EOF
}

package_name() { node -p "require('./plugins/$1/package.json').name"; }

if [ "$build" -eq 1 ]; then
  phase "type declarations (tsc)"
  yarn tsc
  # Each package and the internal libraries it embeds, dependencies first.
  include=()
  for p in "${packages[@]}"; do
    include+=(--include "$(package_name "$p")")
    for dep in $(internal_deps "$p"); do include+=(--include "$dep"); done
  done
  phase "building the packages (backstage-cli package build)"
  yarn workspaces foreach --all --topological-dev --parallel --jobs 2 "${include[@]}" run build
fi

out="$REPO_ROOT/dist-dynamic"
rm -rf "$out"
mkdir -p "$out"
for p in "${packages[@]}"; do
  name="$(package_name "$p")"
  t1="$(now)"
  args=(plugin export --clean --no-build)
  if [[ " ${FRONTEND_PACKAGES[*]} " == *" $p "* ]]; then
    # Scalprum assets (dist-scalprum) for RHDH's app. The standard module
    # federation build would replace the package's own dist/, so it is off.
    args+=(--no-generate-module-federation-assets)
  else
    embed=($(internal_deps "$p"))
    [ "${#embed[@]}" -gt 0 ] && args+=(--embed-package "${embed[@]}")
  fi
  phase "exporting $name"
  log="$REPO_ROOT/plugins/$p/dist-dynamic-export.log"
  if ! (cd "plugins/$p" && "$cli" "${args[@]}") >"$log" 2>&1; then
    cat "$log" >&2
    echo "rhdh-cli plugin export failed in plugins/$p (log above)" >&2
    exit 1
  fi
  rm -f "$log"
  # RHDH's folder name for a package: @scope/name -> scope-name-dynamic.
  folder="$(node -p "'$name'.replace(/^@/, '').replace('/', '-')")-dynamic"
  # Moved, not copied: a dist-dynamic/ with its node_modules left inside the
  # package would be linted and scanned by the next test run.
  mv "plugins/$p/dist-dynamic" "$out/$folder"
  rm -f "$out/$folder/.gitignore"
  echo "    dist-dynamic/$folder ($(du -sh "$out/$folder" | cut -f1), $(($(now) - t1))s)"
done
phase "exported ${#packages[@]} dynamic plugins into dist-dynamic/ in $(($(now) - t0))s"
