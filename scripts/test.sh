#!/usr/bin/env bash
# Runs every check of the repository, the way CI does:
#   1. type check (tsc)            2. lint (backstage-cli repo lint)
#   3. unit and database tests (jest, CI=true) on SQLite and a throwaway PostgreSQL
#   4. end-to-end tests: the portal started for real, driven by headless Chromium
# Ends with a plain line "N passed, N failed" (jest and e2e tests, plus one per
# static check) and exits non-zero when anything failed.
#
# Options:  --skip-e2e   leave out phase 4 (quick local loop)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
source "$REPO_ROOT/scripts/lib/python.sh"
source "$REPO_ROOT/scripts/lib/groovy.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
set +e

skip_e2e=0
for arg in "$@"; do
  case "$arg" in
    --skip-e2e) skip_e2e=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

bootstrap || { echo "0 passed, 1 failed"; exit 1; }
ensure_python_venv || { echo "0 passed, 1 failed"; exit 1; }
ensure_groovy || { echo "0 passed, 1 failed"; exit 1; }
cd "$REPO_ROOT"
export CI=true
mkdir -p tmp
passed=0
failed=0
failures=()
started="$(now)"

check() { # check <name> <command...>: one static check, counted as one result
  local name="$1" t0
  shift
  phase "$name"
  t0="$(now)"
  if "$@"; then
    passed=$((passed + 1))
    phase "$name passed ($(($(now) - t0))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    phase "$name FAILED ($(($(now) - t0))s)"
  fi
}

cleanup() {
  stop_portal
  stop_test_postgres
}
trap cleanup EXIT

check "type check (tsc)" yarn tsc
check "lint" yarn backstage-cli repo lint

# --- unit and database tests -------------------------------------------------
if start_test_postgres; then
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
  phase "unit and database tests (jest; SQLite and PostgreSQL $PG_MAJOR)"
  t0="$(now)"
  rm -f tmp/jest.json
  yarn backstage-cli repo test --json --outputFile="$REPO_ROOT/tmp/jest.json"
  jest_rc=$?
  if [ -f tmp/jest.json ]; then
    read -r jp jf < <(node -e '
      const r = require(process.argv[1]);
      // Suites that failed to run (syntax errors, crashed setup) count as failures.
      console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);
    ' "$REPO_ROOT/tmp/jest.json")
  else
    jp=0 jf=1
  fi
  [ "$jest_rc" -ne 0 ] && [ "$jf" -eq 0 ] && jf=1
  passed=$((passed + jp))
  failed=$((failed + jf))
  [ "$jf" -gt 0 ] && failures+=("jest ($jf)")
  phase "jest: $jp passed, $jf failed ($(($(now) - t0))s)"
  stop_test_postgres
else
  failed=$((failed + 1))
  failures+=("PostgreSQL could not be started")
fi

# --- end-to-end tests ----------------------------------------------------------
if [ "$skip_e2e" -eq 0 ]; then
  # The templates test publishes repositories here; start from none.
  rm -rf "$REPO_ROOT/tmp/e2e-local-git"
  if ensure_chromium && start_portal; then
    phase "end-to-end tests (headless Chromium against the running portal)"
    t0="$(now)"
    node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination=tmp/e2e.tap \
      --test-concurrency=1 e2e/*.test.mjs
    e2e_rc=$?
    ep="$(grep -E '^# pass ' tmp/e2e.tap | awk '{print $3}')"
    ef="$(grep -E '^# fail ' tmp/e2e.tap | awk '{print $3}')"
    ep="${ep:-0}" ef="${ef:-1}"
    [ "$e2e_rc" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
    passed=$((passed + ep))
    failed=$((failed + ef))
    [ "$ef" -gt 0 ] && failures+=("e2e ($ef)")
    phase "e2e: $ep passed, $ef failed ($(($(now) - t0))s)"
    stop_portal
  else
    failed=$((failed + 1))
    failures+=("portal or Chromium could not be started (see tmp/portal.log)")
  fi
fi

phase "done in $(($(now) - started))s"
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
