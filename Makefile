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

.PHONY: deps build run test tsc e2e bench icons package package-test

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
## names a command), the packages (`make package`: the one release build of the app), then every
## test of the workspace under Xvfb + D-Bus (as root, e2e_package installs and removes the .deb)
test: deps
	node --test ui/tests/
	node_modules/.bin/tsc --noEmit -p .
	node_modules/.bin/tsc --noEmit -p tsconfig.mock.json
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo build -p casewatch-app
	cargo test -p casewatch-app --features ts --test contract
	$(MAKE) package
	$(XVFB_RUN) dbus-run-session -- env NO_AT_BRIDGE=1 CASEWATCH_REQUIRE_PACKAGE=1 \
	  bash scripts/test-session.sh

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

## icons: render every icon (PNG sizes for the Linux menu, .ico, .icns) from icons/icon.svg
icons: deps
	cargo tauri icon icons/icon.svg --output icons
	cargo tauri icon icons/icon.svg --output icons --png 16,24,48,256
	# Mobile and Windows Store tiles: Casewatch ships for the desktop only.
	rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png

# The release build `make package` bundles; lintian runs only where it is installed (Debian).
DEB_DIR := target/release/bundle/deb
RPM_DIR := target/release/bundle/rpm

## package: the release app as a .deb and an .rpm (target/release/bundle/{deb,rpm}), with the
## release `casewatch` CLI in /usr/bin; lintian must report no errors on the .deb
package: deps
	cargo build --release -p casewatch-cli
	rm -f $(DEB_DIR)/*.deb $(RPM_DIR)/*.rpm
	cargo tauri build --no-bundle
	# Debian refuses unstripped binaries (lintian: unstripped-binary-or-object); the bundler
	# copies what cargo linked, so strip both programs between building and bundling.
	strip --strip-unneeded target/release/casewatch-app target/release/casewatch
	# Debian wants the changelog as usr/share/doc/<package>/changelog.gz, compressed without a
	# time stamp (-n); the bundler's own changelog option files it under the product name.
	mkdir -p target/packaging
	gzip -9nc src-tauri/packaging/debian-changelog > target/packaging/changelog.gz
	cargo tauri bundle --bundles deb,rpm
	lintian --fail-on error --suppress-tags-from-file src-tauri/packaging/lintian-suppressed \
	  $(DEB_DIR)/*.deb
	@ls -1 $(DEB_DIR)/*.deb $(RPM_DIR)/*.rpm

## package-test: build the packages, then install the .deb, run it and remove it (root only:
## it changes the system; CI runs as root on a throw-away machine)
package-test: package
	$(XVFB_RUN) dbus-run-session -- env NO_AT_BRIDGE=1 CASEWATCH_REQUIRE_PACKAGE=1 \
	  bash scripts/test-session.sh -p casewatch-tests --test e2e_package
