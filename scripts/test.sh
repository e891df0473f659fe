#!/usr/bin/env bash
# Runs every test of the project. Installs what the tests need when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "installing sqlite3 (the tests use it as the oracle)…"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq sqlite3
fi

# One build profile (release) for unit, integration and corpus tests.
cargo test --release --workspace 2>&1
