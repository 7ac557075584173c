#!/usr/bin/env bash
# Cross-compiler and cross-optimisation determinism: every scenario in the
# library, with seeds 1..3, must give the same trace hash (and the same
# event count and end time), and so must 500 seeds of random faults, from
#   build/leasesim         gcc, -O3 (the main Release build; built by test.sh)
#   a clang build          by default build-asan/leasesim: clang -O1 with
#                          ASan+UBSan instrumentation (test.sh has just built
#                          it); DET_CLANG=O2 builds and uses a plain clang -O2
#                          build (build-clang) instead
#   build-o0/leasesim      gcc, -O0
# Extra builds are configured and built here (leasesim only, incremental).
# The gcc -O3 build runs with its heap on huge pages where the kernel allows
# (the default, include/leasesim/cli/huge_pages.hpp), the -O0 build with
# LEASESIM_HUGE_PAGES=0 and the sanitizer build never: so the comparison
# also shows that page size does not change a run.
# Reusing the sanitizer build saves CI a whole clang build (about 100 s on
# 2 cores); it is the stricter comparison anyway (a different optimiser
# *and* instrumentation), and a plain clang -O2 build has agreed whenever
# it was checked (docs/reliability.md). Each library run is capped at
# DET_MAX_EVENTS engine events (default 300000) so big benchmark scenarios
# cost seconds, not minutes; the hash of the first N events is as
# sensitive to a divergence as the whole run's.
#
#   scripts/determinism.sh                 # what CI runs
#   DET_CLANG=O2 scripts/determinism.sh    # with a plain clang -O2 build
#   DET_SEEDS="1 2 3 4 5" DET_MAX_EVENTS=0 scripts/determinism.sh   # 0: no cap
#
# Exit 0 if all hashes agree, 1 with a list of the differing runs otherwise,
# 2 if a run could not be done at all.
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=(${DET_SEEDS:-1 2 3})
max_events="${DET_MAX_EVENTS:-300000}"
jobs="$(nproc)"

# The reference build (first) can be changed for local checks.
ref="${DET_REFERENCE:-build}"
if [ "${DET_CLANG:-asan}" = O2 ]; then
  clang_build=build-clang
  clang_label="clang -O2"
  scripts/configure-variant.sh build-clang clang-O2
else
  clang_build=build-asan
  clang_label="clang -O1 ASan+UBSan"
  scripts/configure-variant.sh build-asan asan
fi
builds=("$ref" "$clang_build" build-o0)
labels=("${DET_REFERENCE_LABEL:-gcc -O3}" "$clang_label" "gcc -O0")
huge_pages=(1 1 0)  # LEASESIM_HUGE_PAGES per build (see above)
[ -x "$ref/leasesim" ] || { echo "determinism: $ref/leasesim missing (run scripts/build.sh)" >&2; exit 2; }
scripts/configure-variant.sh build-o0 gcc-O0
cmake --build "$clang_build" --parallel "$jobs" --target leasesim | grep -v '^ninja: no work' || true
cmake --build build-o0 --parallel "$jobs" --target leasesim | grep -v '^ninja: no work' || true

# Sanitizer reports are fatal here too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mapfile -t files < <(find scenarios -name '*.json' | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || { echo "determinism: no scenarios found" >&2; exit 2; }

out=build-determinism
mkdir -p "$out"
# One line per run: "<file> <seed> <trace_hash> <events> <end_ns>".
run_one() {  # binary file seed
  local json rc=0
  local cap=()
  [ "$max_events" != 0 ] && cap=(--max-events "$max_events")
  json=$("$1" run "$2" --seed "$3" --json "${cap[@]}" 2>/dev/null) || rc=$?
  if [ $rc -gt 1 ]; then echo "$2 $3 ERROR(exit-$rc) - -"; return; fi
  local hash events end
  hash=$(sed -n 's/^  "trace_hash": "\([0-9a-f]*\)",*$/\1/p' <<<"$json")
  events=$(sed -n 's/^  "events": \([0-9]*\),*$/\1/p' <<<"$json")
  end=$(sed -n 's/^  "end_ns": \([0-9]*\),*$/\1/p' <<<"$json")
  echo "$2 $3 ${hash:-MISSING} ${events:-?} ${end:-?}"
}
export -f run_one
export max_events

status=0
for i in "${!builds[@]}"; do
  b="${builds[$i]}"
  start=$SECONDS
  for f in "${files[@]}"; do for s in "${seeds[@]}"; do echo "$b/leasesim $f $s"; done; done |
    LEASESIM_HUGE_PAGES=${huge_pages[$i]} xargs -P "$jobs" -n 3 bash -c 'run_one "$@"' _ |
    LC_ALL=C sort >"$out/${b}.txt"
  echo "determinism: ${labels[$i]} ($b): $(wc -l <"$out/${b}.txt") runs in $((SECONDS - start))s"
  if grep -q 'ERROR\|MISSING' "$out/${b}.txt"; then
    echo "determinism: runs that failed with ${labels[$i]}:" >&2
    grep 'ERROR\|MISSING' "$out/${b}.txt" >&2
    status=2
  fi
done
[ $status -eq 0 ] || exit $status

n=$(wc -l <"$out/${builds[0]}.txt")
for i in 1 2; do
  b="${builds[$i]}"
  if ! cmp -s "$out/${builds[0]}.txt" "$out/${b}.txt"; then
    status=1
    echo "determinism: ${labels[0]} and ${labels[$i]} differ (file seed hash events end_ns):" >&2
    diff "$out/${builds[0]}.txt" "$out/${b}.txt" | grep '^[<>]' | sed "s/^</  ${labels[0]}:/; s/^>/  ${labels[$i]}:/" >&2
  fi
done
if [ $status -eq 0 ]; then
  echo "determinism: $n scenario x seed runs (${#files[@]} scenarios, seeds ${seeds[*]}): identical trace hashes, event counts and end times from ${labels[0]}, ${labels[1]} and ${labels[2]}"
fi

# Random fault schedules reach far more of the simulator than the library's
# scripted faults: DET_EXPLORE_SEEDS seeds of scenarios/explore.json
# (default 1..500) from each build, compared seed by seed (trace hash,
# events, verdict).
explore_seeds="${DET_EXPLORE_SEEDS:-1..500}"
for i in "${!builds[@]}"; do
  b="${builds[$i]}"
  start=$SECONDS
  rc=0
  LEASESIM_HUGE_PAGES=${huge_pages[$i]} \
    "$b/leasesim" explore scenarios/explore.json --seeds "$explore_seeds" --jobs "$jobs" \
    --out "$out/${b}.explore.jsonl" >/dev/null 2>"$out/${b}.explore.err" || rc=$?
  if [ $rc -gt 1 ]; then
    echo "determinism: explore with ${labels[$i]} failed (exit $rc):" >&2
    cat "$out/${b}.explore.err" >&2
    exit 2
  fi
  # Keep the per-seed facts that must agree; wall-clock figures may not.
  sed -n 's/^{"type":"run","cell_index":0,"seed":\([0-9]*\),"verdict":"\([a-z_]*\)".*"trace_hash":"\([0-9a-f]*\)","events":\([0-9]*\).*$/\1 \2 \3 \4/p' \
    "$out/${b}.explore.jsonl" >"$out/${b}.explore.txt"
  echo "determinism: explore ${explore_seeds} with ${labels[$i]}: $(wc -l <"$out/${b}.explore.txt") seeds in $((SECONDS - start))s"
done
for i in 1 2; do
  b="${builds[$i]}"
  if ! cmp -s "$out/${builds[0]}.explore.txt" "$out/${b}.explore.txt" ||
     [ ! -s "$out/${b}.explore.txt" ]; then
    status=1
    echo "determinism: explore differs between ${labels[0]} and ${labels[$i]} (seed verdict hash events):" >&2
    diff "$out/${builds[0]}.explore.txt" "$out/${b}.explore.txt" | grep '^[<>]' | head -20 >&2
  fi
done
if [ $status -eq 0 ]; then
  echo "determinism: explore ${explore_seeds}: identical verdicts, trace hashes and event counts from all three builds"
fi
exit $status
