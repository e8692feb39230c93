#!/usr/bin/env bash
# Compile time of examples/quickstart.cpp (zanj) against the same program
# written with Boost.JSON alone (benchmarks/compile_boost_json.cpp): one
# translation unit each, compiled to an object file (no linking), -O2
# -std=c++20, with each compiler found (g++, clang++). Prints one line per
# compiler and file: "<compiler> <file> <median seconds of 3> <min> <max>".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for cxx in g++ clang++; do
  command -v "$cxx" > /dev/null || continue
  for src in examples/quickstart.cpp benchmarks/compile_boost_json.cpp; do
    times=()
    for _ in 1 2 3; do
      start=$EPOCHREALTIME
      "$cxx" -std=c++20 -O2 -I "$root/include" -c "$root/$src" -o "$out/tu.o"
      end=$EPOCHREALTIME
      times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -g))
    printf '%s %s %.2f %.2f %.2f\n' "$cxx" "$src" "${sorted[1]}" "${sorted[0]}" "${sorted[2]}"
  done
done
