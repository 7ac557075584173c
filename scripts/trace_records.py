"""The data a leasesim trace is read into (leasesim_trace.read_trace): the
checker's holding segments (Belief), the core's record of a lease
(CoreLease), a client's session as the core recorded it (CoreSession) and as
the client saw it (SessionView), violations, lasting faults (Span), and the
Trace holding them all with its derived views. Times are integer nanoseconds of true time.
Part of the helper module leasesim_trace (which re-exports it)."""

from collections import Counter, defaultdict


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


class CoreSession:
    """The core's record of a client's session (session_begin .. session_end):
    `session` of `client` from `begun` to `ended` (None: still on record when
    the trace ends) for `reason` (expired, closed). Any protocol's sessions."""

    __slots__ = ("client", "session", "timeout", "begun", "ended", "reason", "server",
                 "extensions")

    def __init__(self, client, session, timeout, begun, server):
        self.client, self.session, self.timeout = client, session, timeout
        self.begun, self.server = begun, server
        self.ended, self.reason = None, None
        self.extensions = 0   # session_extend records while it was on record


class SessionView:
    """One stretch of a client's view of its session (session_state records):
    `state` (safe or jeopardy) from `start` to `end`. `lost` is why the client
    gave the session up at `end` (timed_out, told_expired), "crash" if it
    crashed then, None if the stretch ended otherwise (a change of state, the
    end of the trace; then `open` is True: it lasted to the run's end)."""

    __slots__ = ("client", "session", "state", "start", "end", "lost", "open")

    def __init__(self, client, session, state, start):
        self.client, self.session, self.state, self.start = client, session, state, start
        self.end, self.lost = None, None
        self.open = False

    def __repr__(self):
        return "SessionView(%s s%d %s [%s, %s))" % (self.client, self.session, self.state,
                                                   self.start, self.end)


class Violation:
    """A `violation` record: [start, end] in true time (start == end: an instant),
    with what its `violation_detail` record adds (number: its place in the
    report's list; leases, token, whether each party still believed at the
    end of the run)."""

    __slots__ = ("kind", "resource", "first", "second", "start", "end", "detected", "number",
                 "first_lease", "second_lease", "token", "first_at_end", "second_at_end",
                 "summary", "report_number")

    def __init__(self, kind, resource, first, second, start, end, detected):
        self.kind, self.resource, self.first, self.second = kind, resource, first, second
        self.start, self.end, self.detected = start, end, detected
        self.number = None
        self.first_lease = self.second_lease = self.token = None
        self.first_at_end = self.second_at_end = False
        self.summary = None   # violation_summary(), filled by read_trace
        self.report_number = None   # its number in the text report, filled by read_trace

    @property
    def warning(self):
        return self.kind == "latent_overlap"

    def __repr__(self):
        return "Violation(%s %s %s/%s [%d, %d])" % (
            self.kind, self.resource, self.first, self.second, self.start, self.end)


class NodeClock:
    """A node's wall clock as a function of true time, rebuilt from its
    clock_init, drift and clock_step records (docs/trace-format.md,
    "Rebuilding a node's clocks"): piecewise linear, exact at every record,
    and known before the node's first record and after its last."""

    def __init__(self, offset, ppb):
        # Segments from their true start time: (start, a_true, a_mono, ppb, w).
        self.segments = [(0, 0, 0, ppb, offset)]

    def _mono(self, seg, t):
        _, a_true, a_mono, ppb, _ = seg
        return a_mono + (t - a_true) * (10**9 + ppb) // 10**9

    def drift(self, t, ppb):
        seg = self.segments[-1]
        self.segments.append((t, t, self._mono(seg, t), ppb, seg[4]))

    def step(self, t, by):
        seg = self.segments[-1]
        self.segments.append((t, seg[1], seg[2], seg[3], seg[4] + by))

    def _segment(self, t):
        seg = self.segments[0]
        for s in self.segments:
            if s[0] > t:
                break
            seg = s
        return seg

    def wall(self, t):
        """The wall clock's reading at true time t (integer nanoseconds)."""
        seg = self._segment(t)
        return self._mono(seg, t) + seg[4]

    def offsets(self, start, end):
        """[(t, wall(t) - t)] from start to end: at both ends and on both
        sides of every change between them (a step is a vertical edge);
        the offset is linear between consecutive points."""
        out = []
        segs = self.segments
        for i, seg in enumerate(segs):
            a = max(seg[0], start)
            b = min(segs[i + 1][0], end) if i + 1 < len(segs) else end
            if b < a or (b == a and out and out[-1][0] == a and i + 1 < len(segs)):
                continue
            out.append((a, self._mono(seg, a) + seg[4] - a))
            if b > a:
                out.append((b, self._mono(seg, b) + seg[4] - b))
        return out

    def changes(self):
        """True if the clock is ever off true time."""
        return any(s[3] != 0 or s[4] != 0 for s in self.segments)


class Span:
    """A fault that lasts: a node down, paused or isolated, a partition, a cut,
    a network window. `end` is None until it ends (closed at the trace end,
    and then `open` is True: it lasted to the run's end, which may be after
    the trace's last record)."""

    __slots__ = ("kind", "start", "end", "node", "info", "open")

    def __init__(self, kind, start, node=None, info=None):
        self.kind, self.start, self.node, self.info = kind, start, node, info
        self.end = None
        self.open = False


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
        self.end = 0                     # the run's end (run_end), else the last true time seen
        # Why the run ended (run_end's reason: "completed", "event_budget",
        # ...), None for a trace without a run_end record (before 2026-12-07).
        self.end_reason = None
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
        self.sessions = []               # [CoreSession], in order of their begin
        self.session_views = []          # [SessionView], in order of their start
        self.violations = []             # [Violation], in detection order
        self.writes = []                 # [(t, resource, writer, token, accepted)]
        self.spans = []                  # [Span]: down, pause, isolate, partition, cut, net
        self.instants = []               # [(t, node, kind, text)]: crash, restart, clock, skipped
        self.sends = []                  # [t] of every send
        self.drops = []                  # [t] of every drop
        self.clock = defaultdict(list)   # node -> [(t, lt)] samples
        # node -> NodeClock, its clocks rebuilt exactly from its clock_init,
        # drift and clock_step records (none in a trace without clock_init).
        self.clocks = {}
        # (kind, t, node, resource) of want, belief_begin, crash, role and
        # leader_ready records, in trace order: what metric_samples() needs.
        self.sequence = []

    # -- derived views -----------------------------------------------------

    def overrides(self):
        """"check_quorum=false, ...": the knobs that differ from the preset."""
        return ", ".join("%s=%s" % (n, v) for n, v, o in self.knobs if o)

    # The end reasons of a run stopped before its scenario's end, in the
    # report's words: no violation in such a run is not "holds".
    CUT_SHORT = {"event_budget": "event budget exhausted", "timeout": "wall-clock timeout",
                 "pending_limit": "too many events pending", "cancelled": "cancelled"}

    def cut_short(self):
        """The report's words for why the run stopped early ("event budget
        exhausted"), or None for a run that reached its end (or a trace
        without a run_end record)."""
        return self.CUT_SHORT.get(self.end_reason)

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
