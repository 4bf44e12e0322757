#!/usr/bin/env bash
# Load benchmark of the support-centre server (issues 3 and 10): authenticated
# `GET /api/v1/cases` (a page of 20) and durable `POST /api/v1/cases`, 64 connections, with wrk
# against loopback, on three set-ups:
#   sqlite  one instance on SQLite (the embedded default; the baseline)
#   pg1     one instance on PostgreSQL
#   pg2     two instances on one PostgreSQL database, the connections split between them
#           (two wrk processes at once, as a load balancer would spread them)
# Not a test: it prints requests/s, p99 and the load average for docs/benchmarks.md.
#
#   scripts/bench-server.sh                    # build (release), run all three set-ups
#   SETUPS="sqlite pg1" scripts/bench-server.sh
#   DURATION=30s CONNECTIONS=64 THREADS=2 scripts/bench-server.sh
#   SKIP_BUILD=1 scripts/bench-server.sh       # reuse target/release/casewatch
#
# PostgreSQL runs as Debian packages it (`initdb`/`pg_ctl` from /usr/lib/postgresql/<n>/bin),
# in a temporary directory on a free port, with its durable defaults (fsync, synchronous
# commit): an acknowledged case is on disk on both backends. Everything is removed at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SETUPS=${SETUPS:-sqlite pg1 pg2}
PORT=${PORT:-18480}
PGPORT=${PGPORT:-18490}
BIN=target/release/casewatch

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing; installing the Debian package" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
fi
PGBIN=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
fi
if [[ " $SETUPS " == *" pg"* ]] && [ ! -x "${PGBIN:-/nonexistent}/initdb" ]; then
  echo "PostgreSQL is missing; installing the Debian package" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -p casewatch-cli
fi

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
PGDATA_DIR=""
pg() { # runs a PostgreSQL program, as the postgres user when we are root (initdb refuses root)
  local prog=$1; shift
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$PGBIN/$prog" "$@"); else "$PGBIN/$prog" "$@"; fi
}
stop_servers() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_servers
  if [ -n "$PGDATA_DIR" ]; then pg pg_ctl stop -D "$PGDATA_DIR" -m immediate >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres() {
  mkdir -p "$WORK/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
  PGDATA_DIR="$WORK/pg/data"
  pg initdb -D "$PGDATA_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  pg pg_ctl start -w -D "$PGDATA_DIR" -l "$WORK/pg/log" \
    -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
}
new_database() { # name -> URL
  pg psql -X -q -h "$WORK/pg" -p "$PGPORT" -U postgres -d postgres -c "CREATE DATABASE $1" >/dev/null
  echo "postgres://postgres@127.0.0.1:${PGPORT}/$1"
}

start_server() { # port, data dir, [database URL]
  local base="http://127.0.0.1:$1"
  mkdir -p "$2"
  if [ -n "${3:-}" ]; then
    CASEWATCH_DATABASE_URL="$3" "$BIN" server --demo --listen "127.0.0.1:$1" --data "$2" \
      >"$2.out" 2>"$2.err" &
  else
    "$BIN" server --demo --listen "127.0.0.1:$1" --data "$2" >"$2.out" 2>"$2.err" &
  fi
  PIDS+=($!)
  for _ in $(seq 1 300); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server on port $1 did not start:" >&2
  cat "$2.err" >&2
  exit 1
}

BODY='{"type":"problem","subject":"Benchmark case","severity":2,"environment":"production","product":"Orbit Search","version":"8.4.1","situation":"Queries time out under load.","impact":"Checkout search is slow."}'
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
    ["Idempotency-Key"] = "bench-" .. os.getenv("RUN") .. "-" .. tid .. "-" .. n,
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

login_and_fill() { # base URL; sets TOKEN and files enough cases for full pages of 20
  TOKEN=$(curl -fsS -X POST "$1/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@acme.example","password":"casewatch-demo"}' |
    sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  export TOKEN
  for _ in $(seq 1 30); do
    curl -fsS -o /dev/null -X POST "$1/api/v1/cases" -H "Authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' -d "$BODY"
  done
}

run_wrk() { # kind (get|post), output prefix, base URLs...: one wrk per instance, at once
  local kind=$1 out=$2; shift 2
  local n=$# conns=$((CONNECTIONS / $#)) i=0 pids=()
  for base in "$@"; do
    i=$((i + 1))
    if [ "$kind" = get ]; then
      wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency -s "$WORK/get.lua" \
        -H "Authorization: Bearer $TOKEN" "$base/api/v1/cases?limit=20" >"$out.$i" &
    else
      RUN="$out-$i" wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency -s "$WORK/post.lua" \
        "$base/api/v1/cases" >"$out.$i" &
    fi
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  : "$n"
}
# Sum of req/s over the wrk outputs, the worst p99 among them, and the non-2xx count.
sum_rps() { awk '/^Requests\/sec:/ {s += $2} END {printf "%.0f", s}' "$1".*; }
worst_p99() { awk '$1 == "99%" {print $2}' "$1".* | sort -h | tail -1; }
errors() { awk '/^non-2xx\/3xx:/ {s += $2} END {print s + 0}' "$1".*; }

SUMMARY=()
bench() { # set-up name, base URLs...
  local name=$1; shift
  login_and_fill "$1"
  local load_before
  load_before=$(cut -d" " -f1-3 /proc/loadavg)
  echo "== $name: GET /api/v1/cases?limit=20 and POST /api/v1/cases (${CONNECTIONS} connections over $# instance(s), ${DURATION} each)"
  run_wrk get "$WORK/$name-get" "$@"
  run_wrk post "$WORK/$name-post" "$@"
  cat "$WORK/$name-get".* "$WORK/$name-post".* | grep -E "Requests/sec|99%|non-2xx|Latency " || true
  SUMMARY+=("$(printf '%-7s %-16s GET %7s req/s p99 %-9s | POST %6s req/s p99 %-9s | non-2xx %s/%s' \
    "$name" "$load_before" "$(sum_rps "$WORK/$name-get")" "$(worst_p99 "$WORK/$name-get")" \
    "$(sum_rps "$WORK/$name-post")" "$(worst_p99 "$WORK/$name-post")" \
    "$(errors "$WORK/$name-get")" "$(errors "$WORK/$name-post")")")
}

for setup in $SETUPS; do
  case $setup in
    sqlite)
      start_server "$PORT" "$WORK/sqlite"
      bench sqlite "http://127.0.0.1:$PORT"
      stop_servers
      ;;
    pg1)
      [ -n "$PGDATA_DIR" ] || start_postgres
      url=$(new_database bench_one)
      start_server "$PORT" "$WORK/pg1" "$url"
      bench pg1 "http://127.0.0.1:$PORT"
      stop_servers
      ;;
    pg2)
      [ -n "$PGDATA_DIR" ] || start_postgres
      url=$(new_database bench_two)
      start_server "$PORT" "$WORK/pg2a" "$url"
      start_server "$((PORT + 1))" "$WORK/pg2b" "$url"
      bench pg2 "http://127.0.0.1:$PORT" "http://127.0.0.1:$((PORT + 1))"
      stop_servers
      ;;
    *) echo "unknown set-up $setup (sqlite, pg1, pg2)" >&2; exit 2 ;;
  esac
done

echo
echo "== Summary ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ); load average before each set-up; load now: $(cut -d" " -f1-3 /proc/loadavg))"
printf '%s\n' "${SUMMARY[@]}"
