#!/usr/bin/env bash
# Runs every check of the repository, the way CI does:
#   1. type check (tsc; also e2e/ and bench/)    2. lint (backstage-cli repo lint)
#   3. unit and database tests (jest, CI=true) on SQLite and a throwaway PostgreSQL
#   4. end-to-end tests: the portal started for real, driven by headless Chromium
#   5. install tests: the packages packed (scripts/pack.sh), installed into fresh
#      @backstage/create-app apps as docs/install.md says, and exported and loaded as
#      dynamic plugins (e2e/install/)
# Ends with a plain line "N passed, N failed" (jest, script and e2e tests, plus
# one per static check), or "N passed, N failed, N skipped" when tests listed
# in scripts/test-allowlist.txt were skipped, and exits non-zero when anything
# failed. A skipped or todo test missing from that list counts as failed.
#
# Options:  --skip-e2e      leave out phase 4 (quick local loop)
#           --skip-install  leave out phase 5
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
source "$REPO_ROOT/scripts/lib/python.sh"
source "$REPO_ROOT/scripts/lib/groovy.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
source "$REPO_ROOT/scripts/lib/results.sh"
source "$REPO_ROOT/scripts/lib/options.sh"
set +e

skip_e2e=0
skip_install=0
parse_switches --skip-e2e skip_e2e=1 --skip-install skip_install=1 -- "$@"

bootstrap || { echo "0 passed, 1 failed"; exit 1; }
ensure_python_venv || { echo "0 passed, 1 failed"; exit 1; }
ensure_groovy || { echo "0 passed, 1 failed"; exit 1; }
cd "$REPO_ROOT"
export CI=true
mkdir -p tmp
# Results of an earlier run must not be read as this run's.
rm -f tmp/jest.json tmp/scripts.tap tmp/e2e.tap tmp/install.tap
passed=0
failed=0
skipped=0
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

# add_results <name>: adds rp, rf, rs (set by count_results) to the totals.
add_results() {
  passed=$((passed + rp))
  failed=$((failed + rf))
  skipped=$((skipped + rs))
  [ "$rf" -gt 0 ] && failures+=("$1 ($rf)")
}

check "type check (tsc)" yarn tsc
check "type check of e2e/ (tsc -p e2e)" yarn tsc -p e2e
check "type check of bench/ (tsc -p bench)" yarn tsc -p bench
check "API reports (backstage-repo-tools api-reports --ci)" yarn backstage-repo-tools api-reports --ci -o ae-wrong-input-file-type,ae-undocumented --validate-release-tags
check "lint" yarn backstage-cli repo lint

# --- tests of these scripts (node --test) -------------------------------------
phase "script tests (node --test scripts/lib)"
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=tmp/scripts.tap \
  scripts/lib/*.test.mjs
scripts_rc=$?
count_results tap tmp/scripts.tap
[ "$scripts_rc" -ne 0 ] && [ "$rf" -eq 0 ] && rf=1
add_results "script tests"
phase "script tests: $rp passed, $rf failed, $rs skipped"

# --- unit and database tests -------------------------------------------------
if start_test_postgres; then
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
  phase "unit and database tests (jest; SQLite and PostgreSQL $PG_MAJOR)"
  t0="$(now)"
  yarn backstage-cli repo test --json --outputFile="$REPO_ROOT/tmp/jest.json"
  jest_rc=$?
  # A missing or unreadable tmp/jest.json counts as one failure.
  count_results jest tmp/jest.json
  [ "$jest_rc" -ne 0 ] && [ "$rf" -eq 0 ] && rf=1
  add_results jest
  phase "jest: $rp passed, $rf failed, $rs skipped ($(($(now) - t0))s)"
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
    # Screenshots go to tmp/screenshots (git-ignored); start from none so
    # scripts/screenshots.sh copies only this run's. docs/screenshots/ changes
    # only through that command.
    rm -rf tmp/screenshots
    node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination=tmp/e2e.tap \
      --test-concurrency=1 e2e/*.test.mjs
    e2e_rc=$?
    count_results tap tmp/e2e.tap
    [ "$e2e_rc" -ne 0 ] && [ "$rf" -eq 0 ] && rf=1
    add_results e2e
    phase "e2e: $rp passed, $rf failed, $rs skipped ($(($(now) - t0))s)"
    stop_portal
  else
    failed=$((failed + 1))
    failures+=("portal or Chromium could not be started (see tmp/portal.log)")
  fi
fi

# --- install tests ---------------------------------------------------------------
if [ "$skip_install" -eq 0 ]; then
  check "build and pack every package (scripts/pack.sh)" scripts/pack.sh
  # pack.sh has just built every package; the dynamic test uses this export.
  check "export the dynamic plugins (scripts/export-dynamic.sh --no-build)" \
    scripts/export-dynamic.sh --no-build
  if ensure_chromium; then
    phase "install tests (fresh create-app apps; dynamic plugins)"
    t0="$(now)"
    CONVERGENCE_DYNAMIC_EXPORTED=1 \
      node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination=tmp/install.tap \
      --test-concurrency=1 e2e/install/*.test.mjs
    install_rc=$?
    count_results tap tmp/install.tap
    [ "$install_rc" -ne 0 ] && [ "$rf" -eq 0 ] && rf=1
    add_results "install tests"
    phase "install tests: $rp passed, $rf failed, $rs skipped ($(($(now) - t0))s)"
  else
    failed=$((failed + 1))
    failures+=("Chromium could not be installed for the install tests")
  fi
fi

phase "done in $(($(now) - started))s"
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
closing_line "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
