#!/usr/bin/env bash
# Installs lpusim's dependencies (Debian/Ubuntu packages) if any is missing, then configures
# and builds into build/ (or $LPUSIM_BUILD_DIR). Extra arguments go to CMake's configure step,
# e.g. scripts/build.sh -DLPUSIM_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${LPUSIM_BUILD_DIR:-build}
# ocl-icd-opencl-dev is only recommended by libdnnl-dev, but oneDNN's CMake package requires OpenCL.
packages=(build-essential cmake pkg-config libsystemc-dev verilator catch2 libyaml-cpp-dev zlib1g-dev libopenmpi-dev openmpi-bin
          libdnnl-dev ocl-icd-opencl-dev
          python3-numpy python3-yaml python3-matplotlib python3-pandas python3-tqdm python3-dask python3-distributed python3-scipy gtkwave clang libclang-rt-14-dev clang-format)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== configuring $build_dir"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
echo "== building (the Verilated RTL variants take a few minutes the first time)"
cmake --build "$build_dir" -j "$(nproc)"
