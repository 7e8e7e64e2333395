#!/usr/bin/env bash
# bench/lineage/run.sh [--scale 1] [--rate 100] [--seconds 20] [--runs 3]
#   [--depth 20] [--restarts 2] [--others 5] [--warm-up 5] [--sqlite]
#   [--self-check] [--gzip] [--refresh-seconds N]: the mlops backend's
# downstream lineage query for the most-connected dataset of a generated
# estate (20,000 ML entities, 2,000 services) against the authenticated
# catalog read of that dataset, cold and warm, permissions on with the
# portal's policy (see run.ts and bench/README.md). On a throwaway
# PostgreSQL started like the test command does; --sqlite uses SQLite files
# instead.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
for arg in "$@"; do
  if [ "$arg" = "--sqlite" ]; then
    source "$here/../../scripts/lib/bootstrap.sh"
    bootstrap
    cd "$REPO_ROOT"
    NODE_ENV=production LOG_LEVEL=warn exec node --require @backstage/cli/config/nodeTransform.cjs bench/lineage/run.ts "$@"
  fi
done
exec "$here/../scorecards/with-postgres.sh" bench/lineage/run.ts "$@"
