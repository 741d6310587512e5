#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the main job on the default config:
# an MXM co-simulation (TLM model vs Verilated RTL) on configs/tiny.yaml, with waveforms.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${LPUSIM_BUILD_DIR:-build}
echo "== co-simulating the MXM plane on configs/tiny.yaml"
"$build_dir"/lpusim cosim mxm --config configs/tiny.yaml --seed 1 --ops 4000 --wave "$build_dir"/waves
