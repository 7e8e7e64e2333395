#!/usr/bin/env bash
# bench/scorecards/with-postgres.sh <script.ts> [args…]: provisions the
# repository like the test command does, starts a throwaway PostgreSQL
# (removed on exit) and runs the benchmark script against it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
bootstrap
trap stop_test_postgres EXIT
start_test_postgres
cd "$REPO_ROOT"
script="$1"
shift
NODE_ENV=production LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs "$script" "$@"
