#!/usr/bin/env bash
# Runs the test suite inside the session `make test` sets up:
#   xvfb-run -a dbus-run-session -- env NO_AT_BRIDGE=1 bash scripts/test-session.sh [cargo test args]
#
# Why: the end-to-end tests open the real app window (needs the X display from xvfb-run and the
# D-Bus session bus from dbus-run-session), and code that stores secrets needs an unlocked Secret
# Service. A fresh gnome-keyring daemon on this session bus, unlocked with a throw-away password,
# provides one without touching the user's real keyring.
#
# Arguments replace the default `--workspace`, e.g. `-p casewatch-tests` for the e2e tests only.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "test-session.sh: needs an X display and a D-Bus session; run the tests with 'make test'." >&2
  exit 1
fi

# The daemon prints VAR=value lines (e.g. GNOME_KEYRING_CONTROL); export them for the tests.
# The daemon keeps its keyring files in a throw-away data dir, so a login keyring left in the
# user's home (with some other password) can never make the collection refuse to unlock.
keyring_home="$(mktemp -d)"
trap 'rm -rf "$keyring_home"' EXIT
keyring_env="$(printf '%s' "${CASEWATCH_TEST_KEYRING_PASSWORD:-casewatch-test}" |
  XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets --daemonize)"
while IFS= read -r assignment; do
  if [ -n "$assignment" ]; then
    export "${assignment?}"
  fi
done <<<"$keyring_env"

if [ "$#" -eq 0 ]; then
  cargo test --workspace
  # The server suite again on PostgreSQL: the tests start their own cluster (one per test
  # binary, a database per test), so nothing has to be running. Only the server crate, whose
  # build is reused, so this adds minutes, not a second full run.
  CASEWATCH_TEST_DATABASE=postgres cargo test -p casewatch-server
else
  cargo test "$@"
fi
