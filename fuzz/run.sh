#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++, Release, ASan + UBSan) and runs each
# on a corpus seeded from the Python fixtures plus hand-made inputs.
#
#   fuzz/run.sh                    # smoke: 20000 executions per target (CI)
#   fuzz/run.sh --runs 100000      # a given number of executions per target
#   fuzz/run.sh --long 3600        # a given time per target, in seconds
#   fuzz/run.sh --long 600 fuzz_npy_header   # only the named targets
#
# Environment: ZANJ_FUZZ_BUILD (build folder, default build-fuzz),
# ZANJ_FUZZ_JOBS (targets run at once, default 1).
#
# The corpus grows in <build>/corpus/<target> across runs. A crash is
# minimized and saved as tests/fuzz_regressions/<target>/crash-<sha1>,
# which the ctest <target>_regressions replays in every build; the script
# then exits with status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mode="runs"
amount=20000
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) mode="runs"; amount=$2; shift 2 ;;
    --long) mode="timed"; amount=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "fuzz/run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_zip_directory fuzz_npy_header fuzz_document_load)

build=${ZANJ_FUZZ_BUILD:-build-fuzz}
jobs=${ZANJ_FUZZ_JOBS:-1}
fixtures=$root/../shared/fixtures/python-reference

# fuzz/ is a project of its own here: no top-level option needed.
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" --target "${targets[@]}"

# Seeds are regenerated each run (the fixtures must not enter the repository).
rm -rf "$build/seeds"
python3 fuzz/make_seeds.py "$build/seeds" "$fixtures"/v* tests/corrupt

case $mode in
  runs) limit=(-runs="$amount") ;;
  timed) limit=(-max_total_time="$amount") ;;
esac

run_target() {   # run_target <target>: fuzzes, saves a crash; returns 1 after a crash
  local target=$1 corpus=$build/corpus/$1 artifacts=$build/artifacts/$1 log=$build/$1.log
  mkdir -p "$corpus" "$artifacts"
  rm -f "$artifacts"/*
  # -malloc_limit_mb: no input of these sizes needs 512 MiB at once; more is a bug.
  local status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/$target" "${limit[@]}" -timeout=10 -malloc_limit_mb=512 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$build/seeds/$target" >"$log" 2>&1 || status=$?
  local executions
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "=== $target: ${executions:-?} executions, exit status $status (log: $log)"
  [ "$status" -eq 0 ] && return 0

  grep -m1 -A12 'ERROR\|==ERROR\|deadly signal\|runtime error' "$log" || tail -20 "$log"
  local crash found=1
  for crash in "$artifacts"/*; do
    [ -f "$crash" ] || continue
    found=0
    local minimized=$artifacts/minimized
    "$build/$target" -minimize_crash=1 -runs=20000 -timeout=10 -malloc_limit_mb=512 \
      -exact_artifact_path="$minimized" "$crash" >"$log.minimize" 2>&1 || true
    [ -s "$minimized" ] || cp "$crash" "$minimized"   # timeouts and OOMs are kept as they are
    local keep
    keep=$root/tests/fuzz_regressions/$target/crash-$(sha1sum "$minimized" | cut -c1-40)
    mkdir -p "$(dirname "$keep")"
    cp "$minimized" "$keep"
    rm -f "$minimized"
    echo "=== $target: crash saved as ${keep#"$root"/} (replay: $build/$target $keep)"
  done
  [ "$found" -eq 0 ] || echo "=== $target: failed without a crash input; see $log"
  return 1
}

failed=0
pids=()
for target in "${targets[@]}"; do
  if [ "$jobs" -gt 1 ]; then
    run_target "$target" & pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
  else
    run_target "$target" || failed=1
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
