#!/usr/bin/env bash
# Runs the Convergence portal: frontend on http://localhost:3000, backend on
# http://localhost:7007, embedded SQLite, guest sign-in.
# Provisions Node 22 and the dependencies on first use (see scripts/lib/bootstrap.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap
cd "$REPO_ROOT"
phase "starting the portal (frontend :3000, backend :7007) — Ctrl-C stops it"
exec yarn start "$@"
