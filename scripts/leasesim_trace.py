"""Reads a leasesim JSONL trace (docs/trace-format.md) into plain data.

Shared by plot_timeline.py, plot_handoffs.py and the script tests. Standard
library only, so it runs on Debian's /usr/bin/python3 without extras.

What the checker judged is taken from the checker's own records, never
re-derived: believed holdings from `belief_interval` records (the true-time
interval the checker closed each belief with) and violations from `violation`
records. So a picture drawn from this data cannot disagree with the report.
The core's record of a lease is `lease_granted` .. `lease_freed` (or the end
of the run).

Times are integer nanoseconds of true time, as in the trace.
"""

import bisect
import json
import re
from collections import Counter, defaultdict

NS_PER_S = 1_000_000_000

# Kinds read in full (json.loads). Everything else is only counted, and the
# message kinds are binned by time, which needs no JSON parsing; a trace of a
# million records reads in a few seconds.
_PARSED = frozenset(
    [
        "role", "leader_ready", "lease_granted", "lease_freed", "belief_interval",
        "violation", "crash", "restart", "pause", "resume", "partition", "group_member",
        "cut", "isolate", "heal", "clock_step", "drift", "net_window", "net_window_end",
        "write_accepted", "write_rejected", "fault_skipped", "want", "belief_begin",
        "belief_end", "header", "knob",
    ]
)
_SEQUENCED = frozenset(["want", "belief_begin", "crash", "role", "leader_ready"])
# Of the records not parsed in full, every Nth gives a (true, local) clock
# sample for its node (clock offsets change slowly; parsed records give more).
_CLOCK_SAMPLE_EVERY = 16


class Belief:
    """A requestor believed it held `lease` on `resource` in [start, end)."""

    __slots__ = ("resource", "holder", "lease", "token", "start", "end", "reason")

    def __init__(self, resource, holder, lease, token, start, end):
        self.resource, self.holder, self.lease, self.token = resource, holder, lease, token
        self.start, self.end = start, end
        # Why the holder stopped believing (its belief_end record): released,
        # expired, revoked, fenced; None if it never said (crashed, run ended).
        self.reason = None

    def __repr__(self):
        return "Belief(%s %s lease %d [%d, %d))" % (
            self.resource, self.holder, self.lease, self.start, self.end)


class CoreLease:
    """The core's record: `lease` granted to `holder` at `granted`, freed at
    `freed` (None: still on record when the trace ends) for `reason`."""

    __slots__ = ("resource", "holder", "lease", "token", "granted", "freed", "reason", "server")

    def __init__(self, resource, holder, lease, token, granted, server):
        self.resource, self.holder, self.lease, self.token = resource, holder, lease, token
        self.granted, self.server = granted, server
        self.freed, self.reason = None, None


class Violation:
    """A `violation` record: [start, end] in true time (start == end: an instant)."""

    __slots__ = ("kind", "resource", "first", "second", "start", "end", "detected")

    def __init__(self, kind, resource, first, second, start, end, detected):
        self.kind, self.resource, self.first, self.second = kind, resource, first, second
        self.start, self.end, self.detected = start, end, detected

    @property
    def warning(self):
        return self.kind == "latent_overlap"

    def __repr__(self):
        return "Violation(%s %s %s/%s [%d, %d])" % (
            self.kind, self.resource, self.first, self.second, self.start, self.end)


class Span:
    """A fault that lasts: a node down, paused or isolated, a partition, a cut,
    a network window. `end` is None until it ends (closed at the trace end)."""

    __slots__ = ("kind", "start", "end", "node", "info")

    def __init__(self, kind, start, node=None, info=None):
        self.kind, self.start, self.node, self.info = kind, start, node, info
        self.end = None


class Trace:
    def __init__(self):
        self.path = None
        # The run's provenance (docs/trace-format.md#the-header-what-ran): the
        # header record's fields (version, scenario, file, seed, protocol,
        # preset), None for a trace of leasesim 0.1 before headers; and every
        # knob as (name, value, override) in order.
        self.header = None
        self.knobs = []
        self.records = 0
        self.end = 0                     # last true time seen
        self.kinds = Counter()
        self.servers = []                # in order of their first role record
        self.requestors = []             # in order of first appearance
        self.resources = []              # in order of first appearance
        self.roles = defaultdict(list)   # server -> [(t, role, term)]
        self.leader_ready = []           # [(t, server, term)]
        self.beliefs = []                # [Belief], in closing order
        self.belief_begins = []          # [(t, resource, holder, lease)]
        self.wants = []                  # [(t, node, resource)]
        self.core = []                   # [CoreLease], in grant order
        self.violations = []             # [Violation], in detection order
        self.writes = []                 # [(t, resource, writer, token, accepted)]
        self.spans = []                  # [Span]: down, pause, isolate, partition, cut, net
        self.instants = []               # [(t, node, kind, text)]: crash, restart, clock, skipped
        self.sends = []                  # [t] of every send
        self.drops = []                  # [t] of every drop
        self.clock = defaultdict(list)   # node -> [(t, lt)] samples
        # (kind, t, node, resource) of want, belief_begin, crash, role and
        # leader_ready records, in trace order: what metric_samples() needs.
        self.sequence = []

    # -- derived views -----------------------------------------------------

    def overrides(self):
        """"check_quorum=false, ...": the knobs that differ from the preset."""
        return ", ".join("%s=%s" % (n, v) for n, v, o in self.knobs if o)

    def setting(self):
        """"raft-lease, preset etcd-like, check_quorum=false (override)": the
        protocol settings, as the run report's protocol line says them."""
        if self.header is None:
            return ""
        s = "%s, preset %s" % (self.header.get("protocol"), self.header.get("preset"))
        for n, v, o in self.knobs:
            if o:
                s += ", %s=%s (override)" % (n, v)
        return s

    def title(self):
        """What a picture of this trace is called: "leader-crash (seed 1)" and
        the protocol settings, from the header; the file name for a trace
        without one."""
        if self.header is None:
            import os
            return os.path.basename(self.path) if self.path else "leasesim run"
        return "%s (seed %s)   %s" % (self.header.get("scenario"), self.header.get("seed"),
                                     self.setting())

    def config_key(self):
        """Runs with equal keys differ only in their seed: same scenario,
        protocol, preset and knobs. None without a header."""
        if self.header is None:
            return None
        return (self.header.get("scenario"), self.header.get("protocol"),
                self.header.get("preset"), tuple((n, v) for n, v, _ in self.knobs))

    def nodes(self):
        return self.servers + [n for n in self.requestors if n not in self.servers]

    def intervals_by_resource(self):
        """resource -> [(holder, start, end)] sorted by start: what the checker judged."""
        out = defaultdict(list)
        for b in self.beliefs:
            out[b.resource].append((b.holder, b.start, b.end))
        for v in out.values():
            v.sort(key=lambda x: (x[1], x[2], x[0]))
        return dict(out)

    def core_by_resource(self):
        """resource -> [(holder, granted, freed_or_end, reason)] sorted by grant."""
        out = defaultdict(list)
        for c in self.core:
            out[c.resource].append(
                (c.holder, c.granted, c.freed if c.freed is not None else self.end, c.reason))
        return dict(out)

    def clock_offset(self, node):
        """[(t, lt - t)] samples of `node`'s wall clock, in time order."""
        return [(t, lt - t) for t, lt in self.clock.get(node, [])]


def _prefix(line):
    """(t, lt, node) from the fixed prefix {"t":T,"lt":L,"n":N, without JSON."""
    c1 = line.index(",", 5)
    t = int(line[5:c1])
    c2 = line.index(",", c1 + 6)
    lt = int(line[c1 + 6:c2])
    if line[c2 + 5] == '"':
        e = line.index('"', c2 + 6)
        return t, lt, line[c2 + 6:e]
    return t, lt, None


def _name(v):
    return v if isinstance(v, str) else None


def _kind(line):
    i = line.find('"k":"')
    if i < 0:
        return None
    return line[i + 5:line.index('"', i + 5)]


def read_trace(path):
    """Reads a JSONL trace file into a Trace. Raises ValueError naming the
    file and line on malformed input."""
    tr = Trace()
    tr.path = path
    seen_res = {}
    seen_req = {}
    seen_srv = {}
    open_core = {}      # (resource, lease) -> CoreLease
    open_spans = {}     # ("down"|"pause", node) -> Span
    net_span = [None]
    partition_span = [None]
    healable = []       # isolate/cut spans open until heal
    skipped = 0
    end_reasons = {}    # (resource, holder, lease) -> belief_end reason

    def resource(name):
        if name is not None and name not in seen_res:
            seen_res[name] = True
            tr.resources.append(name)

    def requestor(name):
        if name is not None and name not in seen_req and name not in seen_srv:
            seen_req[name] = True
            tr.requestors.append(name)

    def close(span, t):
        if span is not None and span.end is None:
            span.end = t

    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            tr.records += 1
            k = _kind(line)
            if k not in _PARSED:
                tr.kinds[k] += 1
                if k == "send" or k == "drop":
                    t = int(line[5:line.index(",", 5)])
                    (tr.sends if k == "send" else tr.drops).append(t)
                    if t > tr.end:
                        tr.end = t
                skipped += 1
                if skipped % _CLOCK_SAMPLE_EVERY == 0:
                    try:
                        t, lt, n = _prefix(line)
                    except ValueError:
                        raise ValueError("%s:%d: not a leasesim trace record" % (path, lineno))
                    if n is not None:
                        tr.clock[n].append((t, lt))
                    if t > tr.end:
                        tr.end = t
                continue
            try:
                r = json.loads(line)
                t = r["t"]
                n = r["n"]
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError("%s:%d: not a leasesim trace record (%s)" % (path, lineno, e))
            tr.kinds[k] += 1
            if t > tr.end:
                tr.end = t
            if n is not None:
                if k == "clock_step":   # the reading just before the step: a vertical edge
                    tr.clock[n].append((t, r["lt"] - r["by"]))
                tr.clock[n].append((t, r["lt"]))

            if k == "header":
                tr.header = {key: r.get(key) for key in
                             ("version", "scenario", "file", "seed", "protocol", "preset")}
                continue
            if k == "knob":
                tr.knobs.append((r.get("name"), r.get("value"), bool(r.get("override"))))
                continue
            if k in _SEQUENCED:
                tr.sequence.append((k, t, n, r.get("resource") if k != "role" else r["role"]))
            if k == "role":
                if n not in seen_srv:
                    seen_srv[n] = True
                    tr.servers.append(n)
                tr.roles[n].append((t, r["role"], r["term"]))
            elif k == "leader_ready":
                tr.leader_ready.append((t, n, r["term"]))
            elif k == "belief_interval":
                resource(r["resource"])
                requestor(r["holder"])
                tr.beliefs.append(Belief(r["resource"], r["holder"], r["lease"], r["token"],
                                         r["from"], r["to"]))
            elif k == "belief_begin":
                resource(r["resource"])
                requestor(n)
                tr.belief_begins.append((t, r["resource"], n, r["lease"]))
            elif k == "belief_end":
                end_reasons[(r["resource"], n, r["lease"])] = r["reason"]
            elif k == "want":
                resource(r["resource"])
                requestor(n)
                tr.wants.append((t, n, r["resource"]))
            elif k == "lease_granted":
                resource(r["resource"])
                key = (r["resource"], r["lease"])
                prev = open_core.get(key)
                if prev is not None and prev.freed is None:
                    prev.freed, prev.reason = t, "regranted"
                c = CoreLease(r["resource"], r["holder"], r["lease"], r["token"], t, n)
                open_core[key] = c
                tr.core.append(c)
            elif k == "lease_freed":
                c = open_core.pop((r["resource"], r["lease"]), None)
                if c is not None:
                    c.freed, c.reason = t, r["reason"]
            elif k == "violation":
                # No resource/node is written as the out-of-range index.
                tr.violations.append(Violation(r["kind"], _name(r["resource"]),
                                               _name(r["first"]), _name(r["second"]),
                                               r["from"], r["to"], t))
            elif k == "write_accepted" or k == "write_rejected":
                resource(r["resource"])
                tr.writes.append((t, r["resource"], r["writer"], r["token"],
                                  k == "write_accepted"))
            elif k == "crash":
                close(open_spans.pop(("pause", n), None), t)
                s = Span("down", t, n)
                open_spans[("down", n)] = s
                tr.spans.append(s)
                tr.instants.append((t, n, "crash", "crash"))
            elif k == "restart":
                close(open_spans.pop(("down", n), None), t)
                tr.instants.append((t, n, "restart", "restart"))
            elif k == "pause":
                s = Span("pause", t, n, r["duration"])
                open_spans[("pause", n)] = s
                tr.spans.append(s)
            elif k == "resume":
                close(open_spans.pop(("pause", n), None), t)
            elif k == "partition":
                close(partition_span[0], t)
                s = Span("partition", t, None, [[] for _ in range(r["groups"])])
                partition_span[0] = s
                tr.spans.append(s)
            elif k == "group_member":
                s = partition_span[0]
                if s is not None and r["group"] < len(s.info):
                    s.info[r["group"]].append(r["member"])
            elif k == "cut":
                s = Span("cut", t, r["from"], r["to"])
                healable.append(s)
                tr.spans.append(s)
            elif k == "isolate":
                s = Span("isolate", t, n)
                healable.append(s)
                tr.spans.append(s)
            elif k == "heal":
                close(partition_span[0], t)
                partition_span[0] = None
                for s in healable:
                    close(s, t)
                healable = []
                tr.instants.append((t, None, "heal", "heal"))
            elif k == "clock_step":
                tr.instants.append((t, n, "clock_step", "clock %s" % fmt_signed(r["by"])))
            elif k == "drift":
                tr.instants.append((t, n, "drift", "drift %s ppm" % fmt_ppm(r["ppb"])))
            elif k == "net_window":
                close(net_span[0], t)
                s = Span("net", t, None, r)
                net_span[0] = s
                tr.spans.append(s)
            elif k == "net_window_end":
                close(net_span[0], t)
                net_span[0] = None
            elif k == "fault_skipped":
                tr.instants.append((t, n, "skipped", "fault %d skipped: %s" % (r["fault"], r["why"])))

    for b in tr.beliefs:
        if b.end > tr.end:
            tr.end = b.end
        b.reason = end_reasons.get((b.resource, b.holder, b.lease))
    for s in tr.spans:
        if s.end is None:
            s.end = tr.end
    _settle_violations(tr)
    for v in tr.violations:
        if v.end > tr.end:   # the checker clamps to the run's end; so do we
            v.end = tr.end
    # Requestors in natural name order (c2 before c10): stable colours.
    tr.requestors = sorted((q for q in tr.requestors if q not in seen_srv), key=natural_key)
    return tr


def _settle_violations(tr):
    """A violation record is written when the checker detects it; an overlap
    then lasts until one of the two beliefs ends, which the record can only
    project. The checker settles the interval as the beliefs close (the
    report's interval); so do we, from the same beliefs' belief_interval
    records: an overlap lasts while both believed, a latent overlap while the
    holder believed."""
    by_key = defaultdict(list)
    for b in tr.beliefs:
        by_key[(b.resource, b.holder)].append(b)

    def open_at(resource, holder, t, exact):
        for b in by_key.get((resource, holder), []):
            if (b.start == t) if exact else (b.start <= t < b.end or b.start == t):
                return b
        return None

    for v in tr.violations:
        if v.resource is None or v.first is None:
            continue
        if v.kind == "overlap" and v.second is not None:
            later = open_at(v.resource, v.second, v.start, True)
            earlier = open_at(v.resource, v.first, v.start, False)
            if later is not None and earlier is not None:
                v.end = max(v.start, min(later.end, earlier.end))
        elif v.kind == "latent_overlap":
            holder = open_at(v.resource, v.first, v.start, False)
            if holder is not None:
                v.end = max(v.start, holder.end)


def natural_key(name):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


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


def fmt_signed(ns):
    return ("+" if ns >= 0 else "-") + fmt_duration(abs(ns))


def fmt_ppm(ppb):
    v = ppb / 1000.0
    return ("%+.3f" % v).rstrip("0").rstrip(".")


def fmt_duration(ns):
    """A short human duration: 1.5s, 250ms, 12us, 7ns."""
    ns = int(ns)
    a = abs(ns)
    for unit, scale in (("h", 3600 * NS_PER_S), ("m", 60 * NS_PER_S), ("s", NS_PER_S),
                        ("ms", 1_000_000), ("us", 1000)):
        if a >= scale:
            v = ns / scale
            text = ("%.3f" % v).rstrip("0").rstrip(".")
            return text + unit
    return "%dns" % ns


_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 1_000_000, "s": NS_PER_S,
          "m": 60 * NS_PER_S, "h": 3600 * NS_PER_S}


def parse_duration(text):
    """'10s', '1.5s', '250ms', '2m' -> nanoseconds. A bare number means seconds.
    Raises ValueError with a readable message."""
    s = text.strip()
    for unit in sorted(_UNITS, key=len, reverse=True):
        if s.endswith(unit):
            num = s[: -len(unit)]
            try:
                return int(round(float(num) * _UNITS[unit]))
            except ValueError:
                break
    try:
        return int(round(float(s) * NS_PER_S))
    except ValueError:
        raise ValueError('expected a duration like "10s" or "250ms", found "%s"' % text)


IMAGE_EXTENSIONS = (".png", ".svg", ".pdf")


def is_image(path):
    import os
    return os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS


def inputs_and_output(paths, out=None, old_out_first=False):
    """The argument order every plot script shares (docs/visualization.md):
    INPUT... OUT, the picture last as with cp, or INPUT... --out OUT.
    Returns (inputs, out, note): `note` is a message for stderr when the old
    order of plot_handoffs.py (OUT INPUT..., `old_out_first`) was used, else
    None. Raises ValueError saying what was expected."""
    paths = list(paths)
    if out is not None:
        if not paths:
            raise ValueError("no input: expected INPUT... --out OUT")
        return paths, out, None
    if len(paths) < 2:
        raise ValueError("expected INPUT... OUT (the picture last, .png, .svg or .pdf), "
                         "or INPUT... --out OUT")
    if is_image(paths[-1]):
        return paths[:-1], paths[-1], None
    if old_out_first and is_image(paths[0]):
        return (paths[1:], paths[0],
                "note: OUT first is the old argument order; write INPUT... OUT (the picture "
                "last, as every plot script takes it)")
    if is_image(paths[0]):
        raise ValueError("the picture goes last: INPUT... OUT (found %s first)" % paths[0])
    raise ValueError("the last argument must be the picture to write (.png, .svg or .pdf), "
                     "found %s" % paths[-1])


def matplotlib_missing(prog):
    """The message when matplotlib cannot be imported: both remedies."""
    import sys
    return ("%s: matplotlib is missing for %s. Install it (Debian: apt-get install "
            "python3-matplotlib), or use a Python that has it: set LEASESIM_PYTHON=/path/to/python "
            "(for the installed leasesim-plot-* commands and leasesim run --plot), or run "
            "/path/to/python %s ..." % (prog, sys.executable, prog))


def save_atomically(fig, path, **kwargs):
    """fig.savefig(path) through a temporary file in the same folder, renamed
    into place: the picture appears whole or not at all."""
    import os
    folder, name = os.path.split(os.path.abspath(path))
    base, ext = os.path.splitext(name)
    tmp = os.path.join(folder, ".%s.tmp-%d%s" % (base, os.getpid(), ext))
    try:
        fig.savefig(tmp, format=ext.lstrip(".").lower() or None, **kwargs)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_jsonl_rows(path):
    """Rows of a JSONL file (explore/sweep results), skipping blank lines."""
    rows = []
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise ValueError("%s:%d: not JSON (%s)" % (path, lineno, e))
    return rows
