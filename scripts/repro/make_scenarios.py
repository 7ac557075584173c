#!/usr/bin/python3
"""Writes the reproduction studies' scenario files (docs/fidelity.md).

Every file takes its network and timing model from model.json, unchanged:
one set of physical parameters for every row. Run from anywhere:

    /usr/bin/python3 scripts/repro/make_scenarios.py [--out DIR]
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Raft Figure 16 (Ongaro & Ousterhout 2014): election timeout ranges in ms,
# and how long after the crash a run may take (the slow curves need long).
FIG16 = {
    "top": [(150, 150, 3000), (150, 151, 200), (150, 155, 20), (150, 175, 10), (150, 200, 10),
            (150, 300, 10)],
    "bottom": [(12, 24, 5), (25, 50, 5), (50, 100, 5), (100, 200, 10), (150, 300, 10)],
}
# Gray & Cheriton: servers N (requestors here) and lease terms t_C.
GC_CLIENTS = [4, 8, 16]
GC_TERMS_S = [0.5, 1, 2, 5, 10]
GC_READ_RATE = 1.0  # R: reads per second per client
GC_DURATION_S = 2000


def model():
    with open(os.path.join(HERE, "model.json")) as f:
        m = json.load(f)
    return m["network"], m["timing"], m["raft"]


# The benchmark's premise (Ongaro's dissertation, section 9.4, the LogCabin
# LAN benchmark): the old leader's heartbeats were synchronized, so the
# followers' election timers started together, and "the servers in each
# trial had different log lengths, so two of the four servers were not
# eligible to become leader". Here LAGGING are those two. The other three
# start first and elect the first leader among themselves; a client writes
# two entries (acquire, release: from PREMISE_S - 0.3 s; it asks the
# servers in turn, 10 ms each); the answers of the
# lagging two to that leader are cut (PREMISE_S - 0.1 s) before they start
# (PREMISE_S + up to 0.1 s), so the leader keeps probing them from their
# first entry, one entry per AppendEntries (max_append_entries 1): at the
# crash they hold one entry, the others three, and all four have heard every
# heartbeat. A seed whose client was not answered within CLIENT_OK_NS (no
# leader yet) did not set the premise up and is not a trial (fidelity.py).
LAGGING = ["n4", "n5"]
PREMISE_S = 20.0
CLIENT_OK_NS = 100_000_000


def fig16(lo, hi, after_s):
    network, timing, raft = model()
    hb = lo / 2  # the paper: heartbeats every half of the minimum timeout
    # The crash falls anywhere in a heartbeat interval, half a second after
    # the lagging servers joined.
    crash = PREMISE_S + 0.5
    p_ms = PREMISE_S * 1000
    timing = json.loads(json.dumps(timing))
    timing["requestors"] = {"start": "0s"}  # the client acts at its own `start`
    timing["nodes"] = {n: {"start": {"dist": "uniform", "min": f"{p_ms:g}ms",
                                     "max": f"{p_ms + 100:g}ms"}} for n in LAGGING}
    return {
        "name": f"fig16-{lo}-{hi}",
        "description": (f"Raft Figure 16, election timeout {lo}-{hi} ms: 5 servers, the leader "
                        f"crashes at a time drawn per seed within one heartbeat interval "
                        f"({hb:g} ms, half the minimum timeout); as in the benchmark, two of "
                        f"the four survivors ({', '.join(LAGGING)}) lack the newest entries "
                        f"and every follower heard the same heartbeats. Measured: the load "
                        f"metric election_heard (crash -> a majority heard the new leader). "
                        f"Timing model: scripts/repro/model.json."),
        "seed": 1,
        "duration": f"{crash + after_s:g}s",
        "core": {"servers": 5,
                 "election_timeout": {"min": f"{lo}ms", "max": f"{hi}ms",
                                      "granularity": raft["election_timeout_granularity"]},
                 "heartbeat": f"{hb * 1000:g}us", "snapshot_every": 0, "max_append_entries": 1},
        "resources": {"count": 1, "prefix": "r"},
        "requestors": [{"name": "client", "resources": ["r1"], "start": f"{p_ms - 300:g}ms",
                        "hold": "1ms", "think": "0s", "max_holds": 1,
                        "request_timeout": "10ms"}],
        "network": network,
        "timing": timing,
        "faults": [{"at": f"{p_ms - 100:g}ms", "kind": "cut", "from": n, "to": "leader"}
                   for n in LAGGING] +
                  [{"at": {"min": f"{crash:g}s", "max": f"{crash * 1000 + hb:g}ms"},
                    "kind": "crash", "target": "leader"}],
    }


def gray_cheriton(n, term_s):
    network, timing, _ = model()
    mean_think = 1.0 / GC_READ_RATE
    return {
        "name": f"gc-n{n}-t{term_s:g}",
        "description": (f"Gray & Cheriton (1989) lease load: {n} clients, each reading at "
                        f"R = {GC_READ_RATE:g}/s; a read after the lease (term {term_s:g} s) "
                        f"has run out asks for a new one. A client holds for the term, lets it "
                        f"go (the ttl is twice the term, so it never renews) and waits 1/R for its next read: the leader "
                        f"handles 2NR/(1 + R t_C) lease messages per second."),
        "seed": 1,
        "duration": f"{GC_DURATION_S}s",
        "protocol": {"preset": "seed"},
        "core": {"servers": 3},
        "lease": {"ttl": f"{term_s * 2:g}s", "renew_every": f"{term_s * 1.5:g}s"},
        "resources": {"count": n, "prefix": "f"},
        # Each client its own file: the formula counts extensions, not
        # contention (leasesim's leases are exclusive, G&C's read leases shared).
        "requestors": [{"name": f"c{i}", "resources": [f"f{i}"], "start": f"{i * 37 % 1000}ms",
                        "hold": f"{term_s:g}s", "think": f"{mean_think:g}s"}
                       for i in range(1, n + 1)],
        "network": network,
        "timing": timing,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.join(HERE, "scenarios"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    written = []
    seen = set()
    for rows in FIG16.values():
        for lo, hi, after in rows:
            if (lo, hi) in seen:
                continue
            seen.add((lo, hi))
            written.append(fig16(lo, hi, after))
    for n in GC_CLIENTS:
        for t in GC_TERMS_S:
            written.append(gray_cheriton(n, t))
    for s in written:
        with open(os.path.join(a.out, s["name"] + ".json"), "w") as f:
            json.dump(s, f, indent=2)
            f.write("\n")
    print(f"wrote {len(written)} scenarios to {a.out}")


if __name__ == "__main__":
    main()
