# shellcheck shell=bash
# Starts the portal in the background for the end-to-end tests, and provides
# headless Chromium from Debian's packages.

PORTAL_LOG="$REPO_ROOT/tmp/portal.log"

ensure_chromium() {
  local bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$bin" ]; then
    phase "installing Chromium from Debian's packages"
    [ "$(id -u)" -eq 0 ] || { echo "Chromium is missing; install it (apt-get install chromium)" >&2; return 1; }
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
  fi
}

# wait_for_url <url> <seconds>: true once the URL answers at all (any status).
wait_for_url() {
  local url="$1" deadline=$(($(date +%s) + $2))
  until curl -s -o /dev/null "$url"; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    kill -0 "$PORTAL_PID" 2>/dev/null || return 1
    sleep 1
  done
}

start_portal() {
  mkdir -p "$(dirname "$PORTAL_LOG")"
  if curl -s -o /dev/null http://localhost:7007 || curl -s -o /dev/null http://localhost:3000; then
    echo "ports 3000/7007 are already in use; stop the running portal first" >&2
    return 1
  fi
  phase "starting the portal for the end-to-end tests (log: tmp/portal.log)"
  # e2e/app-config.e2e.yaml keeps the databases here: start from none.
  rm -rf "$REPO_ROOT/tmp/e2e-sqlite"
  local t0
  t0="$(date +%s)"
  # setsid: the portal and its children form one process group we can stop
  # (a background job of a script is no group leader, so setsid does not fork
  # and $! is the new group's id).
  BROWSER=none setsid bash -c 'cd "$1" && exec yarn start --config "$1/app-config.yaml" --config "$1/e2e/app-config.e2e.yaml"' _ "$REPO_ROOT" >"$PORTAL_LOG" 2>&1 &
  PORTAL_PID=$!
  if ! wait_for_url http://localhost:7007/.backstage/health/v1/readiness 240 ||
    ! wait_for_url http://localhost:3000 240; then
    echo "the portal did not come up; last lines of tmp/portal.log:" >&2
    tail -n 40 "$PORTAL_LOG" >&2
    return 1
  fi
  # The catalog ingests the examples a few seconds after start.
  local deadline=$(($(date +%s) + 120)) token
  while :; do
    token="$(curl -s http://localhost:7007/api/auth/guest/refresh -H 'X-Requested-With: XMLHttpRequest' |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).backstageIdentity.token)}catch{}})')"
    if [ -n "$token" ] && curl -s -H "Authorization: Bearer $token" \
      'http://localhost:7007/api/catalog/entities/by-query?filter=kind=group&limit=1' | grep -q '"items":\[{'; then
      break
    fi
    [ "$(date +%s)" -ge "$deadline" ] && { echo "the catalog stayed empty" >&2; return 1; }
    sleep 2
  done
  phase "portal up in $(($(date +%s) - t0))s"
}

stop_portal() {
  if [ -n "${PORTAL_PID:-}" ]; then
    kill -TERM -- "-$PORTAL_PID" 2>/dev/null || kill -TERM "$PORTAL_PID" 2>/dev/null
    wait "$PORTAL_PID" 2>/dev/null
    PORTAL_PID=""
  fi
}
