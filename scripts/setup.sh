#!/usr/bin/env bash
# Installs what building and testing ferry needs on a fresh Debian machine.
# Safe to run again: it only installs what is missing.
set -euo pipefail

need_apt=()
# librdkafka (bundled by the rdkafka crate) is built from C sources with its own
# configure script: a C/C++ toolchain, make, perl and pkg-config.
command -v cc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v c++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v perl >/dev/null 2>&1 || need_apt+=(perl)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)

if ! command -v cargo >/dev/null 2>&1; then
    # The toolchain normally comes from rustup; Debian's cargo is the fallback.
    need_apt+=(cargo rustc)
fi

if ((${#need_apt[@]})); then
    echo "setup: installing ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "setup: $(cargo --version)" >&2
