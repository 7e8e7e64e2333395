#!/usr/bin/env bash
# bench/scorecards/summary-load.sh [N=50000] [C=50] [seconds=10] [R=1] [K=3]
#   [user|service] [rate=300] [M=400]: the owner summary on PostgreSQL with N
# graded entities, permissions on with the portal's policy: sequential cache
# misses, the batch route, a closed loop of C clients and an open loop at a
# fixed rate, each against the floor route (see summary-load.ts and
# bench/README.md). Starts a throwaway PostgreSQL like the test command does.
exec "$(dirname "${BASH_SOURCE[0]}")/with-postgres.sh" bench/scorecards/summary-load.ts "$@"
