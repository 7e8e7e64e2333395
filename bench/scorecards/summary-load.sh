#!/usr/bin/env bash
# bench/scorecards/summary-load.sh: the owner-summary endpoint on PostgreSQL
# with 50,000 graded entities under 50 concurrent clients (autocannon).
# Starts a throwaway PostgreSQL like the test command does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
bootstrap
trap stop_test_postgres EXIT
start_test_postgres
cd "$REPO_ROOT"
NODE_ENV=production LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs bench/scorecards/summary-load.ts "$@"
