#!/usr/bin/env bash
# Builds leasesim with profile-guided optimisation (GCC) into build-pgo/ (or
# the folder given), for long explorations and benchmarks:
#
#   scripts/build-pgo.sh [BUILD_DIR [CMAKE_OPTION...]]   # then BUILD_DIR/leasesim
#
# Two builds of the same tree with a training run between them:
#   1. compile instrumented (-DLEASESIM_PGO=generate) and run the training
#      workload: W1 at 1,000 and 10,000 requestors, 1,000 seeds of
#      scenarios/explore.json, and the scenario library (`check`);
#   2. compile again with the profile (-DLEASESIM_PGO=use).
# The profile only steers the compiler's choices (which branch falls
# through, what is inlined, how code is laid out); it cannot change what a
# run computes, and this script checks that: every library scenario and
# four more runs must give the same verdicts and trace hashes from both
# builds, or it fails (exit 1). Takes about 6 minutes on 2 cores;
# docs/performance.md (round ten) has what it gains.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-pgo}"
shift || true
extra=("$@")  # more options for cmake's configure step
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
profile="$dir/pgo-profile"

configure() {
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEASESIM_TESTS=OFF \
    -DLEASESIM_PGO="$1" -DLEASESIM_PGO_DIR="$profile" "${extra[@]}" >/dev/null
}
# The compiler's output goes to a log, shown only if the build fails.
build() {
  if ! cmake --build "$dir" --target leasesim --parallel "$(nproc)" >"$dir/pgo-build.log" 2>&1; then
    cat "$dir/pgo-build.log" >&2
    exit 1
  fi
}

# Runs leasesim quietly. Exit 1 (a violation or an unmet expectation) is a
# result, which the fingerprint below compares; anything else stops the
# script with the command that failed.
quiet() {
  local status=0
  "$@" >/dev/null 2>&1 || status=$?
  if ((status > 1)); then
    echo "build-pgo: exit $status from: $*" >&2
    exit 1
  fi
}

# What both builds must agree on: the library's verdicts and trace hashes
# (check's timing column dropped), and the trace hashes of W1 and of three
# explore.json seeds. Written to file $2.
fingerprint() {
  local bin="$1" out="$2" status=0 runs
  runs=$("$bin" check scenarios/) || status=$?
  if ((status > 1)); then
    echo "build-pgo: exit $status from: $bin check scenarios/" >&2
    exit 1
  fi
  awk '$1 == "PASS" || $1 == "FAIL" { print $1, $2, $4, $6, $7 }' <<<"$runs" >"$out"
  for run in "scenarios/bench/w1-c1k.json" "scenarios/explore.json --seed 1" \
    "scenarios/explore.json --seed 2" "scenarios/explore.json --seed 3"; do
    # shellcheck disable=SC2086  # $run is a file and its options
    echo "$run $("$bin" run $run --json | grep -o '"trace_hash": *"[0-9a-f]*"')" >>"$out"
  done
}

echo "build-pgo: 1/3 instrumented build in $dir"
configure generate
rm -rf "$profile"
build

echo "build-pgo: 2/3 training"
bin="$dir/leasesim"
quiet "$bin" run scenarios/bench/w1-c1k.json
quiet "$bin" run scenarios/bench/w1-c10k.json
quiet "$bin" explore scenarios/explore.json --seeds 1..1000 --jobs 1
fingerprint "$bin" "$dir/pgo-fingerprint.txt"

echo "build-pgo: 3/3 optimised build"
configure use
build
fingerprint "$bin" "$dir/pgo-fingerprint-optimised.txt"
if ! diff -u "$dir/pgo-fingerprint.txt" "$dir/pgo-fingerprint-optimised.txt" \
  >"$dir/pgo-fingerprint.diff"; then
  echo "build-pgo: the optimised build computes differently from the instrumented one:" >&2
  cat "$dir/pgo-fingerprint.diff" >&2
  exit 1
fi
echo "build-pgo: $bin (same verdicts and trace hashes as the instrumented build on" \
  "$(wc -l <"$dir/pgo-fingerprint.txt") runs)"
