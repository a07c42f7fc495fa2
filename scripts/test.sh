#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts the brokers, runs every
# test in the workspace. Usage: scripts/test.sh [extra nextest/cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/brokers.sh

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast "$@"
    # nextest does not run doctests.
    cargo test --workspace --doc --quiet
else
    cargo test --workspace --no-fail-fast "$@"
fi
