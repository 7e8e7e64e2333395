#!/usr/bin/env bash
# bench/scorecards/cycle.sh: a full grading pass over N entities (default
# 50,000) against just streaming them from the real catalog, on PostgreSQL,
# in the same run. Starts a throwaway PostgreSQL like the test command does.
#
#   bench/scorecards/cycle.sh [N=50000] [rounds=5]
exec "$(dirname "${BASH_SOURCE[0]}")/with-postgres.sh" bench/scorecards/cycle.ts "$@"
