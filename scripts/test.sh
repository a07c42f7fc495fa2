#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts the brokers, runs every
# test in the workspace. Usage: scripts/test.sh [extra nextest/cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/brokers.sh

if cargo nextest --version >/dev/null 2>&1; then
    # nextest does not run doctests; run them first so the suite's summary line
    # is the last thing printed.
    cargo test --workspace --doc --quiet
    cargo nextest run --workspace --no-fail-fast "$@"
else
    cargo test --workspace --no-fail-fast "$@"
fi
