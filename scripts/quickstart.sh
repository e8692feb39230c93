#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root), builds the project with its
# tests and examples, and runs the quickstart demo.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++
  libboost1.81-dev libboost-json1.81-dev libboost-iostreams1.81-dev libboost-test1.81-dev
  zlib1g-dev
  libisal-dev    # optional for users (fast deflate); the build uses it when present
  libeigen3-dev  # optional for users (zanj/ext/eigen.hpp); its test suite needs it
  python3-numpy python3-pandas unzip  # real clients the tests check our files against
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
./build/examples/quickstart build/demo/run.zanj
