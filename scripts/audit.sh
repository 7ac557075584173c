#!/usr/bin/env bash
# Checks the checker (issue 12, item 8; docs/reliability.md#the-independent-check):
# runs explore seeds of six presets under aggressive random faults, each
# as `leasesim run tests/audit/P.json --seed S --explore --out DIR`, and has
# scripts/audit_trace.py recompute every overlap and stale write from the
# raw trace alone and compare them with the run's report. Fails on any
# disagreement, on any run that could not be done, and if the fault mix
# stopped producing what it is here to exercise (overlaps, stale writes,
# beliefs that lapse and resume; checked for the default presets only).
#
#   scripts/audit.sh                    # what CI runs: 150 seeds of each preset
#   AUDIT_SEEDS=1000 scripts/audit.sh   # seeds 1..N of each preset
#   AUDIT_PRESETS="wall-holder" AUDIT_JOBS=1 scripts/audit.sh
#   AUDIT_KEEP=DIR scripts/audit.sh     # keep disagreeing runs in DIR (default: build/audit)
#
# The presets are tests/audit/{naive,seed,wall-holder,safe}.json (raft-lease),
# session-unfenced.json and kv-wall-clock.json (the other families). Each run's
# trace is deleted once audited, unless it disagreed: then its trace, report
# and the audit's explanation stay in the keep folder, and the summary
# names them. Exit 0 all agree; 1 a disagreement (or too little exercised);
# 2 a run or the audit could not be done.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${LEASESIM:-build/leasesim}"
py=/usr/bin/python3

# One run: "audit.sh --one PRESET SEED WORKDIR" prints one line,
# "PRESET SEED <summary JSON>" (or "PRESET SEED ERROR ...").
if [ "${1:-}" = --one ]; then
  p="$2" s="$3" work="$4"
  dir="$work/$p-$s"
  mkdir -p "$dir"
  set +e
  "$bin" run "tests/audit/$p.json" --seed "$s" --explore --out "$dir" >/dev/null 2>"$dir/stderr.txt"
  rc=$?
  set -e
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    echo "$p $s ERROR leasesim run exited $rc: $(head -c 300 "$dir/stderr.txt" | tr '\n' ' ')"
    exit 0
  fi
  set +e
  summary="$($py scripts/audit_trace.py "$dir/trace.jsonl" "$dir/report.json" --summary \
    2>"$dir/audit-stderr.txt" >"$dir/audit.txt")"
  rc=$?
  set -e
  if [ $rc -ge 2 ]; then
    echo "$p $s ERROR audit_trace.py exited $rc: $(head -c 300 "$dir/audit-stderr.txt" | tr '\n' ' ')"
    exit 0
  fi
  echo "$p $s $(head -n 1 "$dir/audit.txt")"
  [ $rc -eq 0 ] && rm -rf "$dir"
  exit 0
fi

[ -x "$bin" ] || { echo "audit.sh: $bin missing (build first: scripts/build.sh)" >&2; exit 2; }
seeds="${AUDIT_SEEDS:-150}"
presets=(${AUDIT_PRESETS:-naive seed wall-holder safe session-unfenced kv-wall-clock})
jobs="${AUDIT_JOBS:-$(nproc)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/leasesim-audit.XXXXXX")"
keep="${AUDIT_KEEP:-build/audit}"
[ -z "${AUDIT_KEEP:-}" ] && rm -rf "$keep"
trap 'rm -rf "$work"' EXIT

start=$SECONDS
for p in "${presets[@]}"; do
  [ -f "tests/audit/$p.json" ] || { echo "audit.sh: no tests/audit/$p.json" >&2; exit 2; }
done
echo "audit.sh: ${#presets[@]} preset(s) x $seeds seed(s) on $jobs job(s): ${presets[*]}"
for p in "${presets[@]}"; do
  for s in $(seq 1 "$seeds"); do echo "$p $s $work"; done
done | xargs -P "$jobs" -n 3 "$0" --one >"$work/results.txt"

# Keep what disagreed or failed (trace, report, the audit's explanation).
if compgen -G "$work/*/" >/dev/null; then
  mkdir -p "$keep"
  cp -r "$work"/*/ "$keep/"
fi
set +e
require_exercise=1
[ -n "${AUDIT_PRESETS:-}" ] && require_exercise=0  # a chosen subset need not show everything
$py - "$work/results.txt" "$keep" "$((SECONDS - start))" "$require_exercise" <<'PY'
import json, sys
from collections import Counter, defaultdict

path, keep, secs, require = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
order, runs, errors = [], defaultdict(Counter), []
classes = defaultdict(Counter)
disagreeing = []
for line in open(path):
    preset, seed, rest = line.rstrip("\n").split(" ", 2)
    if preset not in order:
        order.append(preset)
    if rest.startswith("ERROR"):
        errors.append("%s seed %s: %s" % (preset, seed, rest))
        continue
    j = json.loads(rest)
    c = runs[preset]
    c["runs"] += 1
    for key, label in (("overlaps", "overlap"), ("stale_writes", "stale_write"),
                       ("aba_stale_writes", "A-B-A stale"),
                       ("token_order_stale_writes", "token-order stale"),
                       ("lapsed_and_resumed", "lapse+resume"),
                       ("end_instant_overlaps", "end-instant")):
        if j[key]:
            c[label] += 1
    if not j["agree"]:
        c["disagree"] += 1
        disagreeing.append("%s-%s" % (preset, seed))
        for k, v in j["disagreements"].items():
            classes[preset][k] += v
cols = ["runs", "overlap", "stale_write", "A-B-A stale", "token-order stale", "lapse+resume",
        "end-instant", "disagree"]
print("\nruns with each finding of the independent audit, per preset:")
print("  %-17s" % "preset" + "".join("%19s" % c for c in cols))
total = Counter()
for p in order:
    print("  %-17s" % p + "".join("%19d" % runs[p][c] for c in cols))
    total.update(runs[p])
print("  %-17s" % "all" + "".join("%19d" % total[c] for c in cols))
for p in order:
    for k, v in sorted(classes[p].items()):
        print("  %s: %d x %s" % (p, v, k))
status = 0
if errors:
    print("\naudit.sh: %d run(s) could not be audited:" % len(errors))
    for e in errors[:20]:
        print("  " + e)
    status = 2
if total["disagree"]:
    print("\naudit.sh: the checker and the independent audit DISAGREE in %d run(s); each "
          "folder has trace.jsonl, report.json and audit.txt (both sides):" % total["disagree"])
    for d in disagreeing[:20]:
        print("  %s/%s" % (keep, d))
    status = max(status, 1)
missing = [label for label in ("overlap", "stale_write", "lapse+resume") if not total[label]]
if missing and require:
    print("\naudit.sh: no run had %s: the fault mix no longer exercises the audit" %
          ", ".join(missing))
    status = max(status, 1)
print("\naudit.sh: %d run(s) in %ds: %s" % (
    total["runs"], secs, "all agree" if status == 0 else "FAILED"))
sys.exit(status)
PY
status=$?
exit $status
