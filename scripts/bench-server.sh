#!/usr/bin/env bash
# Load benchmark of the support-centre server (issue 3): authenticated `GET /api/v1/cases`
# (a page of 20) and durable `POST /api/v1/cases`, 64 connections, with wrk against loopback.
# Not a test: it prints requests/s and p99 for docs/benchmarks.md.
#
#   scripts/bench-server.sh              # build (release), start a demo server, run both loads
#   DURATION=30s CONNECTIONS=64 THREADS=2 scripts/bench-server.sh
#   SKIP_BUILD=1 scripts/bench-server.sh # reuse target/release/casewatch
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18480}
BASE="http://127.0.0.1:${PORT}"
BIN=target/release/casewatch

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing; installing the Debian package" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -p casewatch-cli
fi

DATA=$(mktemp -d)
WORK=$(mktemp -d)
"$BIN" server --demo --listen "127.0.0.1:${PORT}" --data "$DATA" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA" "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$BASE/healthz" >/dev/null

TOKEN=$(curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@acme.example","password":"casewatch-demo"}' |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')
export TOKEN
BODY='{"type":"problem","subject":"Benchmark case","severity":2,"environment":"production","product":"Orbit Search","version":"8.4.1","situation":"Queries time out under load.","impact":"Checkout search is slow."}'
# Enough cases for full pages of 20.
for i in $(seq 1 30); do
  curl -fsS -o /dev/null -X POST "$BASE/api/v1/cases" -H "Authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' -d "$BODY"
done

cat >"$WORK/post.lua" <<LUA
-- POST /api/v1/cases with the bearer token and a distinct Idempotency-Key per request.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local n = 0
local body = [[$BODY]]
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. n,
  }, body)
end
function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
LUA
cat >"$WORK/get.lua" <<'LUA'
function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
LUA

report() { # name, wrk output file
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$2")
  p99=$(awk '$1 == "99%" {print $2}' "$2")
  printf '%-34s %10s req/s   p99 %s\n' "$1" "$rps" "$p99"
}

LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
echo "== GET /api/v1/cases?limit=20 (${CONNECTIONS} connections, ${THREADS} threads, ${DURATION})"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/get.lua" \
  -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cases?limit=20" | tee "$WORK/get.txt"
echo "== POST /api/v1/cases (${CONNECTIONS} connections, ${THREADS} threads, ${DURATION})"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" \
  "$BASE/api/v1/cases" | tee "$WORK/post.txt"

echo
echo "== Summary ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), load average before: ${LOAD_BEFORE})"
report "GET /api/v1/cases (page of 20)" "$WORK/get.txt"
report "POST /api/v1/cases (durable)" "$WORK/post.txt"
