#!/usr/bin/env bash
# scripts/screenshots.sh: refreshes docs/screenshots/ from the screenshots the
# browser tests took in their last run (tmp/screenshots/, git-ignored). Run it
# after a successful `scripts/test.sh`; the test run itself never touches
# docs/screenshots/. A screenshot no test takes any more shows as deleted in git.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$REPO_ROOT/tmp/screenshots"
dest="$REPO_ROOT/docs/screenshots"
shopt -s nullglob
shots=("$src"/*.png)
if [ "${#shots[@]}" -eq 0 ]; then
  echo "no screenshots in tmp/screenshots/: run scripts/test.sh (with the end-to-end tests) first" >&2
  exit 1
fi
# tmp/e2e.tap is the last test run's end-to-end report (deleted at its start).
tap="$REPO_ROOT/tmp/e2e.tap"
if [ ! -s "$tap" ]; then
  echo "the last scripts/test.sh run did not run the end-to-end tests (no tmp/e2e.tap): run scripts/test.sh without --skip-e2e" >&2
  exit 1
fi
if grep -q '^not ok' "$tap"; then
  echo "the last end-to-end run had failures (tmp/e2e.tap): fix them and run scripts/test.sh again" >&2
  exit 1
fi
mkdir -p "$dest"
rm -f "$dest"/*.png
cp "${shots[@]}" "$dest/"
echo "docs/screenshots/: ${#shots[@]} screenshots copied from tmp/screenshots/"
