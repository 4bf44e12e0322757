# Casewatch. The README's two commands: `make run` (open the app) and `make test` (everything CI
# checks). Every recipe line runs with -e/pipefail, so any failing step fails the target.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# Cargo and tauri-driver live in ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
CARGO_BIN := $(if $(CARGO_HOME),$(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)

# A virtual X screen big enough for the app window, on the first free display number.
XVFB_RUN := xvfb-run -a -s "-screen 0 1280x1024x24"

.PHONY: deps build run test tsc e2e bench icons

## deps: install the Debian packages and tauri-driver the build and tests need (idempotent)
deps:
	bash scripts/install-deps.sh

## build: compile every crate and target of the workspace
build:
	cargo build --workspace --all-targets

## run: open the Casewatch window
run: deps
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display (DISPLAY and WAYLAND_DISPLAY are unset)." >&2; \
	  echo "Casewatch is a desktop app: run this from a graphical session." >&2; \
	  echo "Headless machines can check it with 'make test', which runs it under Xvfb." >&2; \
	  exit 1; \
	fi
	cargo run

## test: UI unit tests, the UI's type check against the command contract, format check, lints,
## the app build, the command contract (src-tauri/contract/commands.rs against everything that
## names a command), then every test of the workspace under Xvfb + D-Bus
test: deps
	node --test ui/tests/
	node_modules/.bin/tsc --noEmit -p .
	node_modules/.bin/tsc --noEmit -p tsconfig.mock.json
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo build -p casewatch-app
	cargo test -p casewatch-app --features ts --test contract
	$(XVFB_RUN) dbus-run-session -- env NO_AT_BRIDGE=1 bash scripts/test-session.sh

## tsc: type-check ui/ (JSDoc, // @ts-check) and the dev mock against ui/types/contract.d.ts;
## nothing is emitted
tsc:
	@if [ ! -x node_modules/.bin/tsc ]; then npm ci --no-audit --no-fund; fi
	node_modules/.bin/tsc --noEmit -p .
	node_modules/.bin/tsc --noEmit -p tsconfig.mock.json

## e2e: only the end-to-end tests (quicker while working on the UI)
e2e: deps
	cargo build -p casewatch-app
	$(XVFB_RUN) dbus-run-session -- env NO_AT_BRIDGE=1 bash scripts/test-session.sh -p casewatch-tests

## bench: the core's deadline benchmarks
bench:
	cargo bench -p casewatch-core

## icons: re-render icons/*.png and icons/icon.ico from the shapes in scripts/gen-icons.py
icons:
	python3 scripts/gen-icons.py
