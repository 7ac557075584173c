#!/usr/bin/env bash
# Benchmark: workload W1 ("steady lease churn") on leasesim and on the
# reference implementations, side by side on this machine, in one go.
#
#   scripts/bench.sh REFERENCE_DIR        e.g. scripts/bench.sh ../shared/bench
#
# REFERENCE_DIR holds w1_limit.cpp (plain C++ event loop) and w1.py (plain
# Python heapq loop); they are compiled into a temporary folder and run from
# there, never copied into the project. leasesim runs scenarios/bench/*.json
# with build/leasesim (configured and built Release if missing; LEASESIM=path
# overrides). Each configuration runs BENCH_RUNS times (default 3) per tool;
# the table shows medians: wall time, events per second (each tool's own
# count), peak RSS (/usr/bin/time -v) and the ratio leasesim / reference.
#
# Environment:
#   BENCH_RUNS=3                    runs per tool and configuration
#   BENCH_CONFIGS="c1k c10k c100k"  which W1 sizes (C=1,000 / 10,000 / 100,000)
#   BENCH_PYTHON="c1k c10k"         sizes the Python reference runs at (it needs
#                                   ~30 s at c10k and ~10 min at c100k)
#   BENCH_TRACE="c1k"               sizes also run with tracing on (JSONL file)
#
# Prints a markdown table (docs/performance.md keeps the latest). Timings
# depend on the machine and its load (printed first): compare ratios measured
# in one run, not absolute times across runs.
set -euo pipefail

if [[ $# -ne 1 || ! -f "$1/w1_limit.cpp" || ! -f "$1/w1.py" ]]; then
  echo "usage: scripts/bench.sh REFERENCE_DIR (a folder with w1_limit.cpp and w1.py)" >&2
  exit 2
fi
ref_dir=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-3}
configs=${BENCH_CONFIGS:-"c1k c10k c100k"}
python_configs=${BENCH_PYTHON:-"c1k c10k"}
trace_configs=${BENCH_TRACE:-"c1k"}
leasesim=${LEASESIM:-$root/build/leasesim}
python=/usr/bin/python3
timev=/usr/bin/time
[[ -x $timev ]] || { echo "bench.sh: $timev is missing (Debian package 'time')" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -x $leasesim ]]; then
  echo "building $leasesim (Release)..." >&2
  cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" --target leasesim >/dev/null
  leasesim=$root/build/leasesim
fi
g++ -O2 -std=c++17 -o "$tmp/w1_limit" "$ref_dir/w1_limit.cpp"

declare -A C=([c1k]=1000 [c10k]=10000 [c100k]=100000)
declare -A R=([c1k]=100 [c10k]=1000 [c100k]=10000)

# measure TOOL CONFIG CMD...: one run; appends "tool config wall_s rss_kb
# events grants_per_vs records" to $tmp/runs.tsv.
measure() {
  local tool=$1 config=$2
  shift 2
  "$timev" -v -o "$tmp/time.txt" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt" || {
    echo "bench.sh: $tool $config failed:" >&2
    cat "$tmp/err.txt" >&2
    exit 1
  }
  "$python" - "$tool" "$config" "$tmp/time.txt" "$tmp/out.txt" >>"$tmp/runs.tsv" <<'EOF'
import json, re, sys
tool, config, time_file, out_file = sys.argv[1:]
t = open(time_file).read()
clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
wall = 0.0
for part in clock.split(":"):
    wall = wall * 60 + float(part)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
out = open(out_file).read()
if tool.startswith("leasesim"):
    j = json.loads(out)
    events, records = j["events"], j["records"]
    gps = j["metrics"]["grants"] / (j["end_ns"] / 1e9)
else:  # key=value line
    kv = dict(re.findall(r"(\w+)=(\S+)", out))
    events, records, gps = int(kv["events"]), 0, float(kv["grants_per_vs"])
print(f"{tool}\t{config}\t{wall}\t{rss}\t{events}\t{gps}\t{records}")
EOF
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: $(nproc) cores, load average $load_start at start" >&2
for config in $configs; do
  c=${C[$config]} r=${R[$config]}
  scenario=$root/scenarios/bench/w1-$config.json
  for ((i = 1; i <= runs; i++)); do
    echo "[$config run $i/$runs] reference C++, leasesim" >&2
    measure "c++" "$config" "$tmp/w1_limit" -C "$c" -R "$r" -T 600 -s 42
    measure leasesim "$config" "$leasesim" run "$scenario" --json
    if [[ " $trace_configs " == *" $config "* ]]; then
      echo "[$config run $i/$runs] leasesim with tracing" >&2
      measure leasesim-trace "$config" "$leasesim" run "$scenario" --json --trace "$tmp/trace.jsonl"
      rm -f "$tmp/trace.jsonl"
    fi
    if [[ " $python_configs " == *" $config "* ]]; then
      echo "[$config run $i/$runs] reference Python" >&2
      measure python "$config" "$python" "$ref_dir/w1.py" -C "$c" -R "$r" -T 600
    fi
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: load average $load_end at end" >&2

"$python" - "$tmp/runs.tsv" "$runs" "$(nproc)" "$load_start" "$load_end" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
runs, cores, load_start, load_end = sys.argv[2:6]
by = {}
for tool, config, wall, rss, events, gps, records in rows:
    by.setdefault((config, tool), []).append((float(wall), int(rss), int(events), float(gps), int(records)))
def med(config, tool, i):
    v = by.get((config, tool))
    return statistics.median(x[i] for x in v) if v else None
configs = []
for _, config, *_ in rows:
    if config not in configs:
        configs.append(config)
names = {"c1k": "C=1,000 R=100", "c10k": "C=10,000 R=1,000", "c100k": "C=100,000 R=10,000"}
print(f"W1, T = 600 s, seed 42; medians of {runs} runs; {cores} cores, load average "
      f"{load_start} (1, 5, 15 min) at the start, {load_end} at the end.\n")
print("| workload | tool | wall s | events | events/s | peak RSS MiB | grants/vs | leasesim / tool (wall) |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for config in configs:
    ls = med(config, "leasesim", 0)
    for tool, label in (("c++", "C++ reference (w1_limit)"), ("python", "Python reference (w1.py)"),
                        ("leasesim", "leasesim"), ("leasesim-trace", "leasesim, tracing to JSONL")):
        wall = med(config, tool, 0)
        if wall is None:
            continue
        events = med(config, tool, 2)
        ratio = "" if tool.startswith("leasesim") or ls is None else f"{ls / wall:.2f}"
        print(f"| {names.get(config, config)} | {label} | {wall:.2f} | {events:,.0f} | "
              f"{events / wall / 1e6:.2f} M | {med(config, tool, 1) / 1024:.0f} | "
              f"{med(config, tool, 3):.2f} | {ratio} |")
print()
for config in configs:
    tr = by.get((config, "leasesim-trace"))
    if tr:
        rate = statistics.median(rec / wall for wall, _, _, _, rec in tr)
        print(f"Tracing on ({names.get(config, config)}): {statistics.median(x[4] for x in tr):,.0f} "
              f"records, {rate / 1e6:.2f} M records/s written to JSONL (whole run, wall).")
EOF
