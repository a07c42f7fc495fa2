#!/usr/bin/env bash
# Builds ferry and runs it on config/quickstart.toml: an HTTP source on
# 127.0.0.1:8080 printing every event it receives on stdout. No broker needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release --quiet -- run --config config/quickstart.toml "$@"
