#!/usr/bin/env bash
# Runs every test of the project. Installs what the tests need when missing.
#
#   bash scripts/test.sh          # unit, integration, doc tests + conformance corpora
#   CHORUS_SOAK=1 bash scripts/test.sh   # also the long soak variants
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "installing sqlite3 (the tests use it as the oracle)…"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq sqlite3
fi
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq tmux) || echo "tmux unavailable: interactive shell tests will be skipped"
fi

# One build profile (release) for unit, integration, doc and corpus tests.
cargo build --release --workspace --all-targets
cargo test --release --workspace --exclude chorus-cli

# The shell: its own logic byte for byte against sqlite3 (shell over SQLite's
# engine), then the whole stack (shell over Chorus) with a regression gate.
cargo test --release -p chorus-cli --no-default-features --features sqlite-backend
bash scripts/shell-gate.sh

# Conformance corpora, in release mode, on Chorus.
bash scripts/conformance.sh
