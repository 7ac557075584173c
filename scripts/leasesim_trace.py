"""Reads a leasesim JSONL trace (docs/trace-format.md) into plain data.

Shared by plot_timeline.py, plot_handoffs.py and the script tests. Standard
library only, so it runs on Debian's /usr/bin/python3 without extras.

What the checker judged is taken from the checker's own records, never
re-derived: believed holdings from `belief_interval` records (one per holding
segment of a belief, as the checker finalised it) and violations from
`violation` records (written once settled, so their intervals are final) with
their `violation_detail` records. So a picture drawn from this data cannot
disagree with the report; violation_summary() words each violation exactly as
the report does.
The core's record of a lease is `lease_granted` .. `lease_freed` (or the end
of the run). A committed change can be recorded twice (a new leader applies
an entry its dead predecessor already recorded); such records carry the same
log `index` and only the first is kept (docs/trace-format.md).

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
        "belief_end", "violation_detail", "header", "knob",
    ]
)
_SEQUENCED = frozenset(["want", "belief_begin", "crash", "role", "leader_ready"])
# Of the records not parsed in full, every Nth gives a (true, local) clock
# sample for its node (clock offsets change slowly; parsed records give more).
_CLOCK_SAMPLE_EVERY = 16


class Belief:
    """One holding segment: a requestor believed it held `lease` on `resource`
    in [start, end). A belief that lapsed and resumed has several."""

    __slots__ = ("resource", "holder", "lease", "token", "start", "end", "reason")

    def __init__(self, resource, holder, lease, token, start, end):
        self.resource, self.holder, self.lease, self.token = resource, holder, lease, token
        self.start, self.end = start, end
        # Why the holder stopped believing (its belief_end record): released,
        # expired, revoked, fenced; None if it never said (crashed, run ended)
        # or if the segment is not its belief's last (it lapsed and resumed).
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
    """A `violation` record: [start, end] in true time (start == end: an instant),
    with what its `violation_detail` record adds (number: its place in the
    report's list; leases, token, whether each party still believed at the
    end of the run)."""

    __slots__ = ("kind", "resource", "first", "second", "start", "end", "detected", "number",
                 "first_lease", "second_lease", "token", "first_at_end", "second_at_end",
                 "summary")

    def __init__(self, kind, resource, first, second, start, end, detected):
        self.kind, self.resource, self.first, self.second = kind, resource, first, second
        self.start, self.end, self.detected = start, end, detected
        self.number = None
        self.first_lease = self.second_lease = self.token = None
        self.first_at_end = self.second_at_end = False
        self.summary = None   # violation_summary(), filled by read_trace

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
        # (kind, t, holder, resource, lease) of belief_begin, belief_end and
        # crash (resource, lease None) records, in trace order.
        self.belief_events = []
        self.accepted = []               # [(t, resource, writer, lease, token)]
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
        """resource -> [(holder, start, end)] sorted by start: what the checker judged
        (one per holding segment)."""
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
    last_change = {}    # resource -> highest log index of a kept lease record

    def repeated(r, index):
        # A record at or below the highest index kept for its resource
        # repeats a committed change already drawn; index 0: not logged.
        if not index:
            return False
        if index <= last_change.get(r["resource"], 0):
            return True
        last_change[r["resource"]] = index
        return False
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
                tr.belief_events.append((k, t, n, r["resource"], r["lease"]))
            elif k == "belief_end":
                end_reasons[(r["resource"], n, r["lease"])] = r["reason"]
                tr.belief_events.append((k, t, n, r["resource"], r["lease"]))
            elif k == "want":
                resource(r["resource"])
                requestor(n)
                tr.wants.append((t, n, r["resource"]))
            elif k == "lease_granted":
                if repeated(r, r.get("index", 0)):
                    continue
                resource(r["resource"])
                key = (r["resource"], r["lease"])
                prev = open_core.get(key)
                if prev is not None and prev.freed is None:
                    prev.freed, prev.reason = t, "regranted"
                c = CoreLease(r["resource"], r["holder"], r["lease"], r["token"], t, n)
                open_core[key] = c
                tr.core.append(c)
            elif k == "lease_freed":
                if repeated(r, r.get("index", 0)):
                    continue
                c = open_core.pop((r["resource"], r["lease"]), None)
                if c is not None:
                    c.freed, c.reason = t, r["reason"]
            elif k == "violation":
                # No resource/node is written as the out-of-range index.
                tr.violations.append(Violation(r["kind"], _name(r["resource"]),
                                               _name(r["first"]), _name(r["second"]),
                                               r["from"], r["to"], t))
            elif k == "violation_detail":
                if tr.violations:
                    v = tr.violations[-1]
                    v.number, v.first_lease, v.token = r["number"], r["first_lease"], r["token"]
                    v.second_lease = r["second_lease"] if v.second is not None else None
                    v.first_at_end, v.second_at_end = r["first_at_end"], r["second_at_end"]
            elif k == "write_accepted" or k == "write_rejected":
                resource(r["resource"])
                tr.writes.append((t, r["resource"], r["writer"], r["token"],
                                  k == "write_accepted"))
                if k == "write_accepted":
                    tr.accepted.append((t, r["resource"], r["writer"], r["lease"], r["token"]))
            elif k == "crash":
                tr.belief_events.append((k, t, n, None, None))
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
    instances = _belief_instances(tr)
    for inst in instances:
        if inst.segments:
            inst.segments[-1].reason = end_reasons.get((inst.resource, inst.holder, inst.lease))
    for s in tr.spans:
        if s.end is None:
            s.end = tr.end
    # Violation records are written as the checker settles them; the report
    # lists them in detection order (the detail's number).
    if all(v.number is not None for v in tr.violations):
        tr.violations.sort(key=lambda v: v.number)
    for v in tr.violations:
        v.summary = violation_summary(tr, v, instances)
    # Requestors in natural name order (c2 before c10): stable colours.
    tr.requestors = sorted((q for q in tr.requestors if q not in seen_srv), key=natural_key)
    return tr


class BeliefInstance:
    """One belief: (holder, lease on resource) from a belief_begin (while not
    already believed) to its belief_end, the holder's crash, or the end of
    the trace (`close` None), with its holding segments."""

    __slots__ = ("resource", "holder", "lease", "begin", "close", "segments")

    def __init__(self, resource, holder, lease, begin):
        self.resource, self.holder, self.lease, self.begin = resource, holder, lease, begin
        self.close = None
        self.segments = []


def _belief_instances(tr):
    """The beliefs of the run, each with its segments (belief_interval records)."""
    open_ = {}
    instances = []
    by_key = defaultdict(list)
    for k, t, n, res, lease in tr.belief_events:
        if k == "belief_begin":
            key = (res, n, lease)
            if key not in open_:
                inst = BeliefInstance(res, n, lease, t)
                open_[key] = inst
                instances.append(inst)
                by_key[key].append(inst)
        elif k == "belief_end":
            inst = open_.pop((res, n, lease), None)
            if inst is not None:
                inst.close = t
        else:   # crash: every belief of the node ends
            for key in [key for key in open_ if key[1] == n]:
                open_.pop(key).close = t
    for b in tr.beliefs:
        cands = by_key.get((b.resource, b.holder, b.lease), [])
        # Instances of one key never overlap in time: the last begun by then.
        owner = None
        for inst in cands:
            if inst.begin <= b.start:
                owner = inst
        if owner is not None:
            owner.segments.append(b)
    for inst in instances:
        inst.segments.sort(key=lambda b: b.start)
    tr.instances = instances
    return instances


def fmt_instant(ns):
    """An instant as violation summaries write it (format_instant in
    sim/check/violation.cpp): seconds floored to the microsecond, trailing
    zeros trimmed but one decimal kept: 3.0s, 10.2s, 11.025312s."""
    us = ns // 1000   # floor, as format_time
    mag = abs(us)
    s = "%s%d.%06d" % ("-" if us < 0 else "", mag // 1_000_000, mag % 1_000_000)
    while s[-1] == "0" and s[-2] != ".":
        s = s[:-1]
    return s + "s"


def fmt_duration_short(ns):
    """format_duration_short (sim/core/time.cpp): three decimals at most, the
    largest unit of s/ms/us whose rounded value is at least 1: 800ms, 1.115s."""
    if ns == 0:
        return "0s"
    mag = abs(ns)
    out = "-" if ns < 0 else ""
    for unit, scale in (("s", NS_PER_S), ("ms", 1_000_000), ("us", 1000)):
        grain = scale // 1000
        th = mag // grain + (1 if mag % grain >= (grain + 1) // 2 else 0)
        if th < 1000:
            continue
        out += str(th // 1000)
        frac = th % 1000
        if frac:
            out += "." + ("%03d" % frac).rstrip("0")
        return out + unit
    return out + "%dns" % mag


def _segments_text(segments, at_end):
    if not segments:
        return "never"
    parts = []
    for i, b in enumerate(segments):
        last = i + 1 == len(segments)
        parts.append(fmt_instant(b.start) + ".." + ("" if at_end and last else fmt_instant(b.end)))
    return ", ".join(parts)


def _instance_at(instances, resource, holder, lease, t):
    owner = None
    for inst in instances:
        if (inst.resource, inst.holder, inst.lease) == (resource, holder, lease) and inst.begin <= t:
            owner = inst
    return owner


def violation_summary(tr, v, instances=None):
    """The violation's one-line text, rebuilt from the trace exactly as the
    checker words it (sim/check/summary.cpp, sim/check/checker.cpp); None if
    the trace lacks what it needs (a trace from before violation_detail)."""
    if v.number is None:
        return None
    if instances is None:
        instances = getattr(tr, "instances", None) or _belief_instances(tr)
    if v.kind in ("overlap", "latent_overlap"):
        def segments(node, lease):
            inst = _instance_at(instances, v.resource, node, lease, v.start)
            return inst.segments if inst is not None else []

        def party(node, lease, at_end):
            return "%s (lease %d, believed %s)" % (
                node, lease, _segments_text(segments(node, lease), at_end))

        # Still going on when the run ended: both held at the end (the first
        # party's last segment then ends at the run's end) and so did it.
        length = v.end - v.start
        first_segs = segments(v.first, v.first_lease)
        cut = v.first_at_end and (v.kind == "latent_overlap" or v.second_at_end) and \
            bool(first_segs) and v.end == first_segs[-1].end
        if cut:
            stretch = "for at least %s: %s.. (the run ended at %s)" % (
                fmt_duration_short(length), fmt_instant(v.start), fmt_instant(v.end))
        else:
            stretch = "for %s: %s..%s" % (fmt_duration_short(length), fmt_instant(v.start),
                                         fmt_instant(v.end))
        first = party(v.first, v.first_lease, v.first_at_end)
        if v.kind == "overlap":
            return "%s and %s overlapped on %s %s" % (
                first, party(v.second, v.second_lease, v.second_at_end), v.resource, stretch)
        return "%s still held %s after the core had freed its lease, %s" % (
            first, v.resource, stretch)
    if v.kind == "stale_write":
        writer, lease, token, at = v.first, v.first_lease, v.token, v.start
        why = ""
        if v.second is not None:
            began = None
            for t, res, holder, l in tr.belief_begins:
                if t > at:
                    break
                if (res, holder, l) == (v.resource, writer, lease):
                    began = t
                    break
            by = None
            for t, res, holder, l in tr.belief_begins:
                if t > at:
                    break
                if res == v.resource and holder != writer and l != lease and \
                        (began is None or t > began):
                    by = t
                    break
            why = "%s's lease %d began at %s" % (v.second, v.second_lease, fmt_instant(by))
            if began is None:
                why += " (%s was never seen believing lease %d)" % (writer, lease)
            else:
                why += ", after %s's lease %d began at %s" % (writer, lease, fmt_instant(began))
        highest = 0
        for t, res, w, l, tok in tr.accepted:
            if res != v.resource:
                continue
            if (t, w, l, tok) == (at, writer, lease, token):
                break
            highest = max(highest, tok)
        if token < highest:
            why += ("; " if why else "") + "token %d is below the %d already accepted" % (
                token, highest)
        return "%s's write to %s (lease %d, token %d) accepted at %s was stale: %s" % (
            writer, v.resource, lease, token, fmt_instant(at), why)
    if v.kind == "election_safety":
        return "two leaders in term %d: %s and %s" % (v.first_lease, v.first, v.second)
    if v.kind == "committed_changed":
        return "log index %d applied by %s differs from what was committed before" % (
            v.first_lease, v.second)
    return None


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
