#!/usr/bin/env bash
# Configures and builds the libFuzzer binaries of this source tree with clang into BUILD_DIR
# (CMake option LPUSIM_FUZZ_ONLY: the SystemC-free parser libraries and fuzz/*_fuzz.cpp only,
# with -fsanitize=fuzzer,address,undefined). Exit 77 (CTest: skipped) when clang is missing.
#   fuzz/build_fuzzers.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
if ! command -v clang++ >/dev/null; then
  echo "clang++ not found: the libFuzzer runs need the Debian packages clang and libclang-rt-14-dev" \
       "(scripts/build.sh installs them)"
  exit 77
fi
# Debug without NDEBUG keeps the assertions; -O1 is what libFuzzer's documentation suggests.
cmake -S "$src" -B "$build" -DLPUSIM_FUZZ_ONLY=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
      "-DCMAKE_CXX_FLAGS_DEBUG=-O1" >/dev/null
cmake --build "$build" -j 2
