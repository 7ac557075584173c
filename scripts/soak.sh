#!/usr/bin/env bash
# Soak test (not in CI; takes minutes): 24 hours of virtual time with the
# `safe` preset and random faults, checking that memory stays flat.
#
#   scripts/soak.sh [HOURS] [BUILD]     # default 24 hours, build/
#
# It generates a scenario (5 servers, 8 requestors on 4 resources, writes
# to storage, 1-10 ms latency, drifting clocks) and lets `leasesim explore`
# add random faults to it (seed 1: 1000 faults of every kind spread over
# the run; the shorter runs get proportionally fewer). Then:
#   1. the peak RSS of runs of increasing virtual length (1/8, 1/4, 1/2
#      and all of HOURS): flat memory means the peak does not grow with
#      the length of the run;
#   2. the full-length run's RSS sampled every second of wall time
#      (/proc/PID/status VmRSS): it must level off, not climb.
# Prints a table, the growth per virtual hour and a verdict; exit 1 if
# memory grows by more than 1 MiB per virtual hour (docs/reliability.md has
# the measured numbers and what the small remaining growth is).
set -euo pipefail
cd "$(dirname "$0")/.."
hours="${1:-24}"
build="${2:-build}"
bin="$build/leasesim"
[ -x "$bin" ] || { echo "soak: $bin missing (scripts/build.sh)" >&2; exit 2; }
$bin explore --help >/dev/null 2>&1 || { echo "soak: $bin has no explore command" >&2; exit 2; }

work="$build/soak"
mkdir -p "$work"
scenario() {  # duration faults
  cat <<JSON
{
  "name": "soak",
  "description": "Soak: safe preset, $2 random faults, $1 of virtual time (scripts/soak.sh).",
  "seed": 1,
  "duration": "$1",
  "protocol": {"preset": "safe"},
  "core": {"servers": 5, "snapshot_every": 1000},
  "lease": {"ttl": "3s", "renew_every": "1s"},
  "resources": {"count": 4, "prefix": "r"},
  "requestors": [
    {"count": 8, "prefix": "c", "resources": "all", "choice": "random",
     "hold": {"min": "1s", "max": "20s"}, "think": {"min": "0s", "max": "2s"},
     "backoff": {"min": "200ms", "max": "1s"}, "write_every": "500ms"}
  ],
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "clocks": {"default": {"drift_ppm": 50}},
  "explore": {"min_faults": $2, "max_faults": $2, "max_down": "30s",
              "max_partition": "30s", "max_window": "30s"},
  "expect": {"safety": "holds"}
}
JSON
}

# Runs one explore seed under /usr/bin/time (peak RSS = VmHWM) and samples
# VmRSS every second; prints "<peak_kb> <wall_s> <exit>".
run_sampled() {  # duration faults samples_file
  local f="$work/soak-$1.json"
  scenario "$1" "$2" >"$f"
  /usr/bin/time -o "$work/time-$1.txt" -f "%M %e" \
    "$bin" explore "$f" --seeds 1..1 --jobs 1 --progress none --out "$work/soak-$1.jsonl" \
    >"$work/soak-$1.out" 2>&1 &
  local tpid=$! pid="" start=$SECONDS rss
  : >"$3"
  while kill -0 $tpid 2>/dev/null; do
    [ -n "$pid" ] || pid=$(pgrep -P $tpid || true)
    if [ -n "$pid" ]; then
      rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status 2>/dev/null || true)
      [ -n "$rss" ] && echo "$((SECONDS - start)) $rss" >>"$3"
    fi
    sleep 1
  done
  local rc=0
  wait $tpid || rc=$?
  if [ $rc -gt 1 ]; then
    echo "soak: explore failed (exit $rc):" >&2
    cat "$work/soak-$1.out" >&2
    exit 2
  fi
  read -r peak wall <"$work/time-$1.txt"
  echo "$peak $wall $rc"
}

echo "soak: $hours h of virtual time, safe preset, 1000 random faults (fewer, at the same rate, in the shorter runs), $bin"
printf '%-10s %12s %10s %8s  %s\n' "virtual" "peak RSS" "wall" "exit" "result line"
declare -A peaks
for frac in 8 4 2 1; do
  minutes=$((hours * 60 / frac))
  d="${minutes}m"
  read -r peak wall rc < <(run_sampled "$d" $((1000 / frac)) "$work/rss-$d.txt")
  peaks[$frac]=$peak
  line=$(grep -o '"verdict":"[a-z]*"\|"trace_hash":"[0-9a-f]*"\|"events":[0-9]*' "$work/soak-$d.jsonl" | head -3 | tr '\n' ' ')
  printf '%-10s %9s KB %9ss %8s  %s\n' "$d" "$peak" "$wall" "$rc" "$line"
done

echo
echo "soak: RSS of the full-length run over wall time (seconds, KB):"
awk 'NR % 10 == 1' "$work/rss-$((hours * 60))m.txt" | tr '\n' ';' | sed 's/;/; /g'
echo
first=${peaks[8]}
last=${peaks[1]}
growth=$((last - first))
per_hour=$((growth * 8 / (hours * 7)))  # KB per virtual hour between 1/8 and full length
echo "soak: peak RSS ${first} KB at 1/8 length, ${last} KB at full length:" \
  "+${growth} KB, about ${per_hour} KB per virtual hour"
# Fail on a leak-like slope: more than 1 MiB per virtual hour (720 h, the
# longest scenario, would then need more than 720 MiB).
if [ $per_hour -gt 1024 ]; then
  echo "soak: FAILED: memory grows by more than 1 MiB per virtual hour" >&2
  exit 1
fi
echo "soak: ok (bounded growth)"
