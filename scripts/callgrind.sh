#!/usr/bin/env bash
# Instructions per engine event of one scenario run, counted by callgrind
# (valgrind), for machines whose processor counter is not readable (most
# virtual machines; `leasesim run --bench` prints n/a there). Instruction
# counts are stable where wall times are noisy, so before/after comparisons
# of an optimisation use these (docs/performance.md).
#
#   scripts/callgrind.sh SCENARIO [leasesim run options...]
#   LEASESIM=path/to/leasesim scripts/callgrind.sh scenarios/bench/w1-c1k.json --seed 7
#
# Counts only inside World::run (the simulation, not loading the scenario or
# building the world), tracing off. Prints one line:
#   scenario=... events=N instructions=I instructions_per_event=X
# Needs valgrind (apt-get install valgrind); exit 2 without it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 1 ]]; then
  echo "usage: scripts/callgrind.sh SCENARIO [leasesim run options...]" >&2
  exit 2
fi
if ! command -v valgrind >/dev/null; then
  echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi
bin="${LEASESIM:-build/leasesim}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LEASESIM_HUGE_PAGES=0 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
  --toggle-collect='leasesim::World::run()' \
  "$bin" run "$@" --bench 1 --json >"$tmp/bench.json" 2>"$tmp/valgrind.log" || {
  cat "$tmp/valgrind.log" >&2
  exit 2
}
/usr/bin/python3 - "$tmp/cg.out" "$tmp/bench.json" "$1" <<'PY'
import json, sys
total = None
for line in open(sys.argv[1]):
    if line.startswith("totals:") or line.startswith("summary:"):
        total = int(line.split()[1])
bench = json.load(open(sys.argv[2]))
if not total:
    sys.exit("callgrind.sh: no instruction total in callgrind's output")
print("scenario=%s events=%d instructions=%d instructions_per_event=%.1f"
      % (sys.argv[3], bench["events"], total, total / bench["events"]))
PY
