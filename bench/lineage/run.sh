#!/usr/bin/env bash
# bench/lineage/run.sh [--scale 1] [--rate 100] [--seconds 20] [--runs 3]
#   [--depth 20] [--restarts 2] [--others 5] [--postgres]: the mlops
# backend's downstream lineage query for the most-connected dataset of a
# generated estate (20,000 ML entities, 2,000 services) against the
# authenticated catalog read of that dataset, cold and warm, permissions on
# with the portal's policy (see run.ts and bench/README.md). SQLite files by
# default; --postgres starts a throwaway PostgreSQL like the test command does.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
for arg in "$@"; do
  if [ "$arg" = "--postgres" ]; then
    exec "$here/../scorecards/with-postgres.sh" bench/lineage/run.ts "$@"
  fi
done
source "$here/../../scripts/lib/bootstrap.sh"
bootstrap
cd "$REPO_ROOT"
NODE_ENV=production LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs bench/lineage/run.ts "$@"
