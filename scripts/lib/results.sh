# shellcheck shell=bash
# Result counting for scripts/test.sh: skipped and todo tests are counted by
# scripts/lib/count-results.mjs against the allow-list scripts/test-allowlist.txt.

TEST_ALLOWLIST="$REPO_ROOT/scripts/test-allowlist.txt"

# count_results <jest|tap> <results file>: sets rp, rf and rs (passed, failed,
# skipped) for that file; names every skipped or todo test on stderr.
count_results() {
  read -r rp rf rs < <(node "$REPO_ROOT/scripts/lib/count-results.mjs" "$1" "$2" "$TEST_ALLOWLIST")
  rp="${rp:-0}" rf="${rf:-1}" rs="${rs:-0}"
}

# closing_line <passed> <failed> <skipped>: "N passed, N failed", with
# ", N skipped" when any allowed test was skipped.
closing_line() {
  if [ "$3" -gt 0 ]; then
    echo "$1 passed, $2 failed, $3 skipped"
  else
    echo "$1 passed, $2 failed"
  fi
}
