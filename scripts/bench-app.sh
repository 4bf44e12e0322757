#!/usr/bin/env bash
# App benchmark (issues 5 and 12): time from process start to the case list, and resident memory
# (sum of VmRSS and of PSS) of the app and its WebKit processes after start-up and after an idle
# period; the same for a bare Tauri window with an empty page (scripts/bare-window, the same
# Tauri), the floor no Tauri app on this machine can go under. Not a test: tests/benches/app.rs
# prints the figures for docs/benchmarks.md.
#
#   scripts/bench-app.sh                        # release build, 5 starts, 10 minutes idle
#   BENCH_IDLE_SECS=30 scripts/bench-app.sh     # quick check
#   BENCH_RUNS=10 SKIP_BUILD=1 scripts/bench-app.sh
#   BENCH_BARE=0 scripts/bench-app.sh           # Casewatch only, no floor
#
# The release builds stay in target/release (D1's `make package` builds the same app there).
#
# Like `make test`, it runs under Xvfb and a private D-Bus session with a throw-away, unlocked
# gnome-keyring (the restored session's refresh token lives in the keyring).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

if [ -z "${SKIP_BUILD:-}" ]; then
  # Together, so Tauri (same version, same features) is compiled once for both.
  cargo build --release -p casewatch-app -p casewatch-bare-window
  cargo bench -p casewatch-tests --bench app --no-run
fi
export CASEWATCH_APP_BINARY="${CASEWATCH_APP_BINARY:-$PWD/target/release/casewatch-app}"
export BARE_WINDOW_BINARY="${BARE_WINDOW_BINARY:-$PWD/target/release/bare-window}"

# The session script: unlock a fresh gnome-keyring on the private bus (as scripts/test-session.sh
# does, but with its keyrings in a temporary directory, so no existing login keyring with another
# password makes it prompt), then run the benchmark program.
session='
set -euo pipefail
keyrings="$(mktemp -d)"
trap "rm -rf \"$keyrings\"" EXIT
keyring_env="$(printf "%s" casewatch-bench |
  XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets --daemonize)"
while IFS= read -r assignment; do
  if [ -n "$assignment" ]; then export "${assignment?}"; fi
done <<<"$keyring_env"
cargo bench -p casewatch-tests --bench app
'
exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- \
  env NO_AT_BRIDGE=1 bash -c "$session"
