#!/usr/bin/python3
"""Runs the reproduction studies end to end and writes docs/fidelity.md.

    env LEASESIM=build/leasesim /usr/bin/python3 scripts/repro/fidelity.py \
        [--trials 1000] [--trials-150-150 1000] [--jobs 2] [--work DIR] [--doc docs/fidelity.md]

1. make_scenarios.py writes one scenario file per Figure 16 curve and per
   Gray & Cheriton point, all with the timing model of model.json.
2. Each Figure 16 file is swept over --trials seeds (`leasesim sweep`, one
   cell, no random faults): every seed draws its own crash time, start
   offsets, timeouts, latencies and disk times. Each run line's `load`
   object carries election_heard_ns (crash -> a majority heard the new
   leader: the paper's end point).
3. Each Gray & Cheriton file runs once (`leasesim run --json`, 2000 s);
   the leader's lease messages per second (acquire + granted from
   load.by_type) are compared with 2NR/(1 + R t_C).
4. The tables and the CDF pictures go into docs/fidelity.md and
   docs/images/fidelity-*.png.

--small runs a quick version (tests/scripts/test_repro.py uses it).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import make_scenarios  # noqa: E402

PUBLISHED = "/work/shared/fidelity/raft-fig16-published.json"
QUANTILES = ["p10", "p50", "p90", "max"]

# The analysis under the Figure 16 tables (docs/fidelity.md), one list of
# lines per paragraph: why the near-tie curves come out as they do.
ANALYSIS = [
    ["A split vote ends when one candidate's RequestVote reaches a majority before",
     "their own timers fire. Here that takes the candidate's write of its term and",
     "vote (about 2.5 ms) plus one way on the network (about 0.15 ms): a lead of",
     "about 2.7 ms. Everything else follows from how far apart the timers are."],
    ["**150-150: why no trial elects early.** All followers heard the old leader's",
     "last heartbeat within a few hundred microseconds of each other, far less than",
     "that lead, so the first rounds always split. An earlier model (1.8 ms median",
     "one-way latency with a long tail, and candidates that sent RequestVote while",
     "writing their vote) elected in the first round in more than 10% of trials: the",
     "heartbeat's arrival times alone were spread by milliseconds, and a RequestVote",
     "needed only one network trip. With no randomness in the timeout, each round",
     "moves a server's timer only by its timer's lateness and the CPU it spends,",
     "tens of microseconds: the servers' phases drift apart as a random walk until",
     "one leads by the 2.7 ms, after hundreds of rounds (the paper: a median of 41 s,",
     "about 270 rounds). That time grows as 1 / (per-round spread)^2; it is the only",
     "curve that depends on the per-input CPU variance, and the model's value (10 us",
     "fixed plus an exponential part of 35 us) is the one it implies. The other",
     "curves hardly move with it (a third of the spread moves 150-151's and",
     "150-155's medians by less than 1%)."],
    ["**150-151: whole milliseconds.** LogCabin rounds a drawn timeout to whole",
     "milliseconds, so with 150-151 each server's timer moves by 150 or 151 ms a",
     "round: two servers drift apart by 0 or 1 ms (standard deviation 0.71 ms), not",
     "by a continuous 0-1 ms difference (0.41 ms). Since the time to break a tie goes",
     "as the square of the lead over that spread, ties break about three times faster",
     "than with a continuous draw: at the paper's pace (with a continuous draw the",
     "same model gives a median near 2.2 s)."],
    ["**The two servers with shorter logs.** A candidate that cannot win still hands",
     "its higher term to the servers it reaches; one that is eligible and had not",
     "yet timed out then starts the next term, which the others (already candidates",
     "in the lower one) grant it. And the winner is the first of two eligible timers,",
     "not of four: that adds 10 to 20 ms to the wide ranges and makes about 10% of",
     "150-175 trials take a second round (its p90, 291 ms in the paper). Without this",
     "premise every model tried left 150-175's p90 about 40% short and the 12-24 and",
     "25-50 ms medians 20-25% short: the wide and short ranges then need a slower",
     "election than the near-tie rows allow."],
    ["**One number of the paper does not fit.** It quotes a broadcast time (network",
     "round trip plus disk write) of about 15 ms. If a candidate's RequestVote took",
     "that long to arrive, a 150-155 ms range (5 ms of randomness) could never elect",
     "in the first round, yet the paper's 150-155 curve does in more than 10% of",
     "trials. The curves imply a few milliseconds, which is what model.json has."],
    ["**Sampling.** 150-150 is slow and wide, so its quantiles need many trials:",
     "with 200 (seeds 1-200) the median lands about 14% below the 1000-trial one.",
     "The page uses 1000 trials for every curve (the paper: 100 for 150-150)."],
]


def leasesim():
    return os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim"))


def quantile(xs, q):
    """Nearest-rank quantile of a sorted list."""
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, int(-(-q * len(xs) // 1)) - 1))
    return xs[k]


def sweep_elections(path, seeds, jobs, work):
    out = os.path.join(work, os.path.basename(path).replace(".json", ".jsonl"))
    cmd = [leasesim(), "sweep", path, "--param", "core.servers=5", "--no-random-faults",
           "--seeds", f"1..{seeds}", "--jobs", str(jobs), "-o", out, "--save", "none"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times, unfinished, skipped = [], 0, 0
    with open(out) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") != "run":
                continue
            load = r.get("load") or {}
            t = load.get("election_heard_ns")
            client = r.get("acquire_p50_ns")
            if client is None or client > make_scenarios.CLIENT_OK_NS:
                skipped += 1  # no leader answered the client: the premise was not set up
            elif t is not None:
                times.append(t / 1e6)
            elif load.get("elections_unfinished", 0) > 0:
                unfinished += 1  # the leader crashed and no new one was heard by the end
            else:
                skipped += 1  # no leader yet when the crash was due: not a trial
    times.sort()
    return times, unfinished, skipped


def published():
    with open(PUBLISHED) as f:
        return json.load(f)


def gc_run(path):
    res = subprocess.run([leasesim(), "run", path, "--json"], check=True, capture_output=True,
                         text=True)
    j = json.loads(res.stdout)
    by_type = j["load"]["by_type"]
    lease_msgs = sum(by_type.get(t, {}).get("sent", 0) for t in ("acquire", "granted"))
    return lease_msgs / (j["end_ns"] / 1e9), j["load"]["leader"]


def cdf_picture(panel, curves, pub, image):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, times, _) in enumerate(curves):
        color = f"C{i}"
        if times:
            ys = [(k + 1) / len(times) for k in range(len(times))]
            ax.step(times, ys, where="post", color=color, label=f"{label} leasesim")
        p = pub.get(label)
        if p:
            qs = [0.10, 0.25, 0.50, 0.75, 0.90, 0.99]
            xs = [p[k] for k in ("p10", "p25", "p50", "p75", "p90", "p99")]
            ax.plot(xs, qs, "o--", color=color, alpha=0.6, markersize=4,
                    label=f"{label} published")
    ax.set_xscale("log")
    ax.set_xlabel("time without a leader (ms)")
    ax.set_ylabel("cumulative fraction of trials")
    ax.set_title(f"Raft Figure 16, {panel}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(image, dpi=110)
    plt.close(fig)


def pct(a, b):
    return (a - b) / b * 100.0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--trials-150-150", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", default=None, help="where results go (default: a temp dir)")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "fidelity.md"))
    ap.add_argument("--images", default=os.path.join(ROOT, "docs", "images"))
    ap.add_argument("--small", action="store_true",
                    help="a quick version: few trials, two G&C points, no document")
    ap.add_argument("--json", default=None, help="also write the numbers as JSON here")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="leasesim-repro-")
    scen = os.path.join(work, "scenarios")
    os.makedirs(scen, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(HERE, "make_scenarios.py"), "--out", scen],
                   check=True, stdout=subprocess.DEVNULL)
    pub = published()["panels"]
    numbers = {"fig16": {}, "gc": []}

    fig16_rows = make_scenarios.FIG16
    measured = {}
    for lo, hi, _ in fig16_rows["top"] + fig16_rows["bottom"]:
        label = f"{lo}-{hi} ms"
        if label in measured:
            continue
        n = a.trials_150_150 if (lo, hi) == (150, 150) else a.trials
        if a.small:
            n = 12 if (lo, hi) == (150, 150) else 60
        times, unfinished, skipped = sweep_elections(
            os.path.join(scen, f"fig16-{lo}-{hi}.json"), n, a.jobs, work)
        measured[label] = (times, unfinished, n - skipped)
        numbers["fig16"][label] = {
            "trials": n - skipped, "unfinished": unfinished, "skipped": skipped,
            "min": times[0] if times else float("nan"),
            **{q: quantile(times, {"p10": .1, "p50": .5, "p90": .9, "max": 1.0}[q])
               for q in QUANTILES}}

    gc_points = [(n, t) for n in make_scenarios.GC_CLIENTS for t in make_scenarios.GC_TERMS_S]
    if a.small:
        gc_points = [(4, 1), (4, 5)]
    R = make_scenarios.GC_READ_RATE
    for n, t in gc_points:
        rate, leader = gc_run(os.path.join(scen, f"gc-n{n}-t{t:g}.json"))
        formula = 2 * n * R / (1 + R * t)
        numbers["gc"].append({"N": n, "t_C": t, "measured": rate, "formula": formula,
                              "ratio": rate / formula,
                              "leader_handled_per_s": leader["handled_per_s"],
                              "leader_queue_p99_ns": leader["queue_delay"]["p99_ns"]})

    if a.json:
        with open(a.json, "w") as f:
            json.dump(numbers, f, indent=2)
    if a.small:
        print(json.dumps(numbers, indent=2))
        return
    write_doc(a, numbers, measured, pub)


def write_doc(a, numbers, measured, pub):
    os.makedirs(a.images, exist_ok=True)
    lines = []
    w = lines.append
    with open(os.path.join(HERE, "model.json")) as f:
        model = json.load(f)
    w("# Fidelity: leasesim against published measurements")
    w("")
    w("A simulator is trusted when it reproduces numbers others measured. This page is")
    w("written by `scripts/repro/fidelity.py` (the command is below); every number in it")
    w("comes from the scenario files `scripts/repro/make_scenarios.py` writes, all with")
    w("**one** timing model, [`scripts/repro/model.json`](../scripts/repro/model.json):")
    w("")
    w("| part | value | physical meaning |")
    w("|---|---|---|")
    t = model["timing"]
    disk = t["disk"]
    w(f"| network latency (one way) | `{json.dumps(model['network']['latency'])}` | a small RPC on gigabit Ethernet |")
    w(f"| processing per input | `{json.dumps(t['processing'])}` | CPU per message or timer (the floor fixed, the rest varies); inputs queue |")
    w(f"| timer jitter | `{json.dumps(t['timer_jitter'])}` | a timer fires this late |")
    w(f"| fsync (group commit) | `{json.dumps(disk['fsync'])}` | term, vote and log writes on an SSD |")
    w(f"| sends during a write | `send_while_writing: {json.dumps(disk['send_while_writing'])}` | a server sends what a step wrote about only once it is durable (LogCabin writes under its lock before its threads send) |")
    w(f"| election timeout resolution | `{model['raft']['election_timeout_granularity']}` | LogCabin draws a timeout in whole milliseconds |")
    w(f"| start offsets | `{json.dumps(t['start'])}` | servers started by hand |")
    w("")
    w("No row is tuned on its own. The command that made this page, a few minutes on 2")
    w(f"cores: `env LEASESIM=build/leasesim /usr/bin/python3 scripts/repro/fidelity.py "
      f"--trials {a.trials} --trials-150-150 {a.trials_150_150} --jobs {a.jobs}`. Its quick")
    w("version (a few trials per curve, two Gray & Cheriton points; numbers to stdout, no")
    w("page; `tests/scripts/test_repro.py` checks its shape):")
    w("")
    w("```sh")
    w("/usr/bin/python3 scripts/repro/fidelity.py --small --jobs 2")
    w("```")
    w("")
    w("## Raft, Figure 16 (Ongaro & Ousterhout, USENIX ATC 2014)")
    w("")
    w("Five servers, set up as the dissertation describes the LogCabin benchmark")
    w("(section 9.4): the old leader's heartbeats reach every follower together, so")
    w("their election timers start together, and two of the four survivors hold a")
    w("shorter log, so they cannot win. `make_scenarios.py` builds that state with")
    w("ordinary parts: three servers start and elect the first leader; a client writes")
    w("two entries; the other two servers (`n4`, `n5`) start afterwards with their")
    w("answers to that leader cut, so it keeps probing them from their first entry, one")
    w("entry per AppendEntries, while they hear every heartbeat. The leader crashes at a")
    w("time drawn per seed within one heartbeat interval (half the minimum election")
    w("timeout), half a second later. Measured: time from the crash until a majority of")
    w("the servers (the new leader counted) has received the new leader's first")
    w("AppendEntries, the `election_heard` metric. Published quantiles: digitized from")
    w("the dissertation's figure (`../shared/fidelity/raft-fig16-published.json`).")
    w("Differences are leasesim's relative to the published value. A seed whose client")
    w("was not answered within 100 ms (no leader yet, so the state above was not set up)")
    w("or whose cluster had no leader at the crash time is not a trial and is left out;")
    w("`trials` counts the rest, `elected` those whose election ended in the run.")
    w("")
    for panel_key, panel_name in (("top", "top: randomness (min timeout 150 ms)"),
                                  ("bottom", "bottom: scale of the timeout")):
        w(f"### {panel_name}")
        w("")
        w("| timeout | trials | elected | p10 pub / sim | p50 pub / sim (diff) | p90 pub / sim (diff) | max pub / sim |")
        w("|---|---|---|---|---|---|---|")
        curves = []
        for lo, hi, _ in make_scenarios.FIG16[panel_key]:
            label = f"{lo}-{hi} ms"
            times, unfinished, n = measured[label]
            m = numbers["fig16"][label]
            p = pub[panel_name][label]
            curves.append((label, times, unfinished))
            w(f"| {label} | {n} | {n - unfinished} | {p['p10']:.0f} / {m['p10']:.0f} | "
              f"{p['p50']:.0f} / {m['p50']:.0f} ({pct(m['p50'], p['p50']):+.0f}%) | "
              f"{p['p90']:.0f} / {m['p90']:.0f} ({pct(m['p90'], p['p90']):+.0f}%) | "
              f"{p['max']:.0f} / {m['max']:.0f} |")
        image = os.path.join(a.images, f"fidelity-fig16-{panel_key}.png")
        cdf_picture(panel_name, curves, pub[panel_name], image)
        w("")
        w(f"![Figure 16 {panel_key}: CDFs, leasesim (steps) and published (dashed)](images/{os.path.basename(image)})")
        w("")
    w("### What decides the near-tie curves")
    w("")
    w("Rows outside the acceptance bounds (median within 20%, p90 within 35%) are")
    w("listed here by the script, not hidden:")
    w("")
    miss = []
    for panel_key, panel_name in (("top", "top: randomness (min timeout 150 ms)"),
                                  ("bottom", "bottom: scale of the timeout")):
        for lo, hi, _ in make_scenarios.FIG16[panel_key]:
            label = f"{lo}-{hi} ms"
            m, p = numbers["fig16"][label], pub[panel_name][label]
            for q, bound in (("p50", 20), ("p90", 35)):
                d = pct(m[q], p[q])
                if abs(d) > bound and f"{label} {q}" not in [x[0] for x in miss]:
                    miss.append((f"{label} {q}", d))
    if miss:
        for name, d in miss:
            w(f"- {name}: {d:+.0f}%")
    else:
        w("- none")
    w("")
    for para in ANALYSIS:
        for line in para:
            w(line)
        w("")
    w("## Gray & Cheriton (SOSP 1989): lease-extension load")
    w("")
    w("N clients each read at R = 1/s; a read after the lease term t_C has run out asks")
    w("the leader for a new lease (request and reply: 2 messages). The leader's load is")
    w("then 2NR/(1 + R t_C). Measured: acquire requests and grant replies per second")
    w("(`load.by_type` of `leasesim run --json`), 2000 s per point, same timing model.")
    w("")
    w("| N | t_C (s) | formula (msg/s) | measured (msg/s) | ratio | leader handled (msg/s, all types) | leader queueing p99 |")
    w("|---|---|---|---|---|---|---|")
    for g in numbers["gc"]:
        w(f"| {g['N']} | {g['t_C']:g} | {g['formula']:.3f} | {g['measured']:.3f} | "
          f"{g['ratio']:.3f} | {g['leader_handled_per_s']:.1f} | {g['leader_queue_p99_ns'] / 1e3:.0f} us |")
    w("")
    w("The ratio stays below 1 by about (acquisition latency) / (t_C + 1/R): a client's")
    w("cycle is its acquisition, the term and its think time, and the formula leaves out")
    w("the first.")
    w("")
    with open(a.doc, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
