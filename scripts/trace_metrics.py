"""The checker's metrics (acquisition latency, handoff gap, failover),
recomputed from a read trace, and the report's percentile. Part of the helper
module leasesim_trace (which re-exports it)."""

import bisect
from collections import defaultdict


def metric_samples(tr):
    """The checker's metric samples, recomputed from the trace (same rules as
    sim/check/checker.cpp): {"acquire": [...], "handoff": [...], "failover":
    [...]} in nanoseconds.

      acquire   a requestor's first `want` of a resource -> its belief begins
      handoff   the previous holder's belief ended -> another holder's begins,
                when the new holder was already waiting and nobody held it
      failover  the leader crashed -> a new leader is ready
    """
    by_res = defaultdict(list)
    for b in tr.beliefs:
        by_res[b.resource].append(b)
    starts = {r: sorted(b.start for b in bs) for r, bs in by_res.items()}
    # Beliefs ordered by end; at equal ends the later-closed one wins.
    ends = {}
    for r, bs in by_res.items():
        order = sorted(range(len(bs)), key=lambda i: (bs[i].end, i))
        ends[r] = ([bs[i].end for i in order], [bs[i] for i in order])
    own = {(b.resource, b.holder, b.start): b for b in tr.beliefs}

    acquire, handoff, failover = [], [], []
    wants = {}            # node -> (resource, since)
    leader = None
    crashed_at = None
    for k, t, n, x in tr.sequence:
        if k == "want":
            w = wants.get(n)
            if w is not None and w[0] == x:
                continue   # a retry continues the same wait
            wants[n] = (x, t)
        elif k == "belief_begin":
            w = wants.get(n)
            if w is not None and w[0] == x:
                acquire.append(t - w[1])
                ends_t, ends_b = ends.get(x, ([], []))
                closed = bisect.bisect_right(ends_t, t)
                me = own.get((x, n, t))
                started = bisect.bisect_right(starts.get(x, []), t)
                open_others = started - closed - (1 if me is not None and me.end > t else 0)
                if open_others <= 0 and closed > 0:
                    last = ends_b[closed - 1]
                    if last.holder != n and w[1] <= last.end:
                        handoff.append(t - last.end)
            wants.pop(n, None)
        elif k == "crash":
            if n == leader:
                crashed_at = t
                leader = None
            wants.pop(n, None)
        elif k == "role":
            if x == "leader":
                leader = n
            elif n == leader:
                leader = None
        elif k == "leader_ready":
            if crashed_at is not None:
                failover.append(t - crashed_at)
                crashed_at = None
    return {"acquire": acquire, "handoff": handoff, "failover": failover}


def percentile(samples, pct):
    """Nearest-rank percentile, as the report computes it."""
    if not samples:
        return None
    s = sorted(samples)
    k = max(1, (pct * len(s) + 99) // 100)
    return s[k - 1]
