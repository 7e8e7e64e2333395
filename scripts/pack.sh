#!/usr/bin/env bash
# Builds every publishable Convergence package and packs it into dist-packs/
# (git-ignored), ready for `npm publish <tarball>` or for installing from files
# (see docs/install.md, "Install Convergence into your Backstage app").
#
#   scripts/pack.sh            build (tsc + backstage-cli package build) and pack all
#   scripts/pack.sh --no-build pack what is already built
#
# Prints one line per tarball and, last, the root `resolutions` block an app
# needs to install the packs without a registry.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/options.sh"
build=1
parse_switches --no-build build=0 -- "$@"

bootstrap
cd "$REPO_ROOT"
out="$REPO_ROOT/dist-packs"
t0="$(now)"
if [ "$build" -eq 1 ]; then
  phase "type declarations (tsc)"
  yarn tsc
  phase "building the packages (backstage-cli package build)"
  yarn workspaces foreach --all --no-private --topological-dev --parallel --jobs 2 run build
fi
rm -rf "$out"
mkdir -p "$out"
phase "packing into dist-packs/"
# yarn pack runs each package's prepack/postpack (backstage-cli swaps in
# publishConfig) and replaces workspace: ranges with the real versions.
yarn workspaces foreach --all --no-private pack --out "$out/%s.tgz" >/dev/null
# yarn names scoped packs "@scope-name.tgz"; drop the "@" (npm pack does too). No
# version in the name: an app's resolutions keep pointing at the same files.
for f in "$out"/@*.tgz; do mv "$f" "$out/$(basename "$f" | sed 's/^@//')"; done
ls -1 "$out"
phase "packed $(ls "$out" | wc -l) packages in $(($(now) - t0))s"
