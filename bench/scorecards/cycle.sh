#!/usr/bin/env bash
# bench/scorecards/cycle.sh: a full grading pass over N entities (default
# 50,000) against just streaming them from the real catalog, on PostgreSQL,
# in the same run. Starts a throwaway PostgreSQL like the test command does.
#
#   bench/scorecards/cycle.sh [N=50000] [rounds=5]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
bootstrap
trap stop_test_postgres EXIT
start_test_postgres
cd "$REPO_ROOT"
NODE_ENV=production LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs bench/scorecards/cycle.ts "$@"
