#!/usr/bin/env bash
# bench/scorecards/summary-load.sh [N=50000] [C=50] [seconds=10] [R=1] [K=3]
#   [user|service] [rate=300] [M=400]: the owner summary on PostgreSQL with N
# graded entities, permissions on with the portal's policy: sequential cache
# misses, the batch route, a closed loop of C clients and an open loop at a
# fixed rate, each against the floor route (see summary-load.ts and
# bench/README.md). Starts a throwaway PostgreSQL like the test command does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
bootstrap
trap stop_test_postgres EXIT
start_test_postgres
cd "$REPO_ROOT"
NODE_ENV=production LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs bench/scorecards/summary-load.ts "$@"
