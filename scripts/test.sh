#!/usr/bin/env bash
# README command 2: build if needed, then run the default test suite (everything except the
# opt-in 'slow' label). Extra arguments go to ctest, e.g. scripts/test.sh -L cosim.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${LPUSIM_BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" "$@"
