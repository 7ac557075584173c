#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and fuzzes each for a
# bounded time. Any crash, sanitizer report, leak, uncaught exception,
# per-input timeout or out-of-memory fails the script; libFuzzer saves the
# input under BUILD/fuzz-artifacts/ and prints how to reproduce it.
#
#   scripts/fuzz.sh                 # 30 s per target, side by side, build-asan (what CI runs)
#   scripts/fuzz.sh 3600            # an hour per target
#   FUZZ_BUILD=build-fuzz scripts/fuzz.sh 600 fuzz_sim
#
# Arguments: [SECONDS per target, default 30] [TARGET...] (default: all).
# Environment: FUZZ_BUILD (build directory, default build-asan), FUZZ_SEED
# (libFuzzer -seed; default random, printed), FUZZ_JOBS (parallel fuzzing
# processes per target, default 1).
#
# New inputs go to BUILD/fuzz-corpus/TARGET (kept between runs, so later
# runs start where earlier ones stopped); tests/fuzz/corpus holds the
# checked-in seeds and is only read. To add an interesting input to the
# seeds, minimise it first:
#   BUILD/tests/fuzz/fuzz_loader -merge=1 tests/fuzz/corpus BUILD/fuzz-corpus/fuzz_loader
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_loader fuzz_sim)
build="${FUZZ_BUILD:-build-asan}"

scripts/configure-variant.sh "$build" asan
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fuzz_one TARGET: runs it; prints the one-line outcome; non-zero on a finding.
fuzz_one() {
  local t="$1"
  local corpus="$build/fuzz-corpus/$t"
  local artifacts="$build/fuzz-artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  local log="$build/fuzz-$t.log"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384
        -dict=tests/fuzz/scenario.dict -artifact_prefix="$artifacts" -print_final_stats=1)
  [ -n "${FUZZ_SEED:-}" ] && args+=(-seed="$FUZZ_SEED")
  [ -n "${FUZZ_JOBS:-}" ] && args+=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  echo "fuzz: $t for ${seconds}s (log $log)"
  if "$build/tests/fuzz/$t" "${args[@]}" "$corpus" tests/fuzz/corpus >"$log" 2>&1; then
    local execs cov seed
    execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{s+=$2} END {print s+0}')
    cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
    seed=$(grep -aoE 'Seed: [0-9]+' "$log" | head -1 | awk '{print $2}')
    echo "fuzz: $t: $execs inputs run, coverage ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) files, seed $seed, no findings"
  else
    echo "fuzz: $t: FINDING (see $log and $artifacts)" >&2
    grep -aE 'ERROR|SUMMARY|fuzz:|Test unit written|runtime error|internal error|deadly signal|timeout' "$log" | head -30 >&2
    return 1
  fi
}

# The targets run side by side when there are cores for them (each is one
# process), so CI's 30 s per target costs 30 s of wall time, not 60.
status=0
if [ -z "${FUZZ_JOBS:-}" ] && [ "$(nproc)" -ge "${#targets[@]}" ]; then
  pids=()
  for t in "${targets[@]}"; do
    fuzz_one "$t" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  for t in "${targets[@]}"; do fuzz_one "$t" || status=1; done
fi
exit $status
