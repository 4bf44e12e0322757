#!/usr/bin/env bash
# Installs what building and testing Casewatch needs on Debian 12, and nothing that is already
# there. Idempotent: a second run only checks and prints "all present".
set -euo pipefail

packages=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  webkit2gtk-driver xvfb xauth dbus-x11 gnome-keyring libsecret-1-dev libsecret-tools
  fonts-noto-cjk sqlite3
  libglib2.0-bin  # gdbus: the end-to-end tests read the tray menu over D-Bus
  lintian         # make package: the .deb must pass lintian without errors
  postgresql      # the server tests start their own PostgreSQL clusters (initdb, pg_ctl)
  systemd         # systemd-analyze: the tests verify deploy/casewatch-server.service
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: Debian packages all present"
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "install-deps: installing tauri-driver (cargo install --locked)"
  cargo install tauri-driver --locked --quiet
else
  echo "install-deps: tauri-driver present"
fi

# The Tauri bundler (make package, make icons) and the updater's key tool (cargo tauri signer).
if ! command -v cargo-tauri >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo-tauri" ]; then
  echo "install-deps: installing tauri-cli 2 (cargo install --locked)"
  cargo install tauri-cli --version '^2' --locked --quiet
else
  echo "install-deps: tauri-cli present"
fi

# TypeScript, pinned in package-lock.json: a development tool that type-checks ui/ (make tsc).
# Nothing from node_modules ships in the app.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$root/node_modules/.bin/tsc" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: installing Debian packages: nodejs npm"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "install-deps: installing TypeScript (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --silent)
else
  echo "install-deps: TypeScript present"
fi

# Python test tools, pinned in scripts/requirements-test.txt (schemathesis, the fuzzer that holds
# the server to its OpenAPI description; aiosmtpd, the SMTP server the mail tests send to), in a
# project virtualenv .venv/ (gitignored) so that the
# system's Python is left alone. Debian's python3 needs python3-venv for `python3 -m venv`.
requirements="$root/scripts/requirements-test.txt"
venv="$root/.venv"
wanted="$(grep -Ev '^[[:space:]]*(#|$)' "$requirements" | sort)"
if [ -x "$venv/bin/python" ] \
  && [ -z "$(comm -23 <(echo "$wanted") <("$venv/bin/python" -m pip freeze 2>/dev/null | sort))" ]; then
  echo "install-deps: Python test tools present (.venv)"
else
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "install-deps: installing Debian packages: python3 python3-venv"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  fi
  echo "install-deps: installing Python test tools into .venv (pip install -r scripts/requirements-test.txt)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
fi
