"""What a timeline shows (plot_timeline.py), built from a read trace without
matplotlib so tests can compare it with the checker's report: the window,
the lanes, the beliefs, core records, sessions, writes and violations in it;
and the time axis (true time, or one node's wall clock)."""

import leasesim_trace as lt
from timeline_style import MAX_VIOLATION_TEXTS, REQUESTOR_COLOURS

NS = lt.NS_PER_S


class Options:
    def __init__(self, start=None, end=None, resources=None, nodes=None, title=None,
                 clock=None, max_lanes=20, width=14.0):
        self.start, self.end = start, end
        self.resources, self.nodes = resources, nodes
        self.title, self.clock = title, clock
        self.max_lanes, self.width = max_lanes, width


class Model:
    """What the picture shows, in true-time nanoseconds, clipped to the window.
    Built from a Trace without matplotlib so tests can compare it with the
    checker's report."""

    def __init__(self, tr, opts):
        self.trace = tr
        self.start = 0 if opts.start is None else max(0, opts.start)
        self.end = tr.end if opts.end is None else opts.end
        if self.end <= self.start and opts.end is None:
            # The trace has no record after the start (a run that ended
            # before anything happened): its end is not in it.
            raise ValueError("empty time window: the trace has no record after %s; give --to "
                             "(the run's end, e.g. --to 100ms) to draw it" % (
                                 lt.fmt_duration(self.start)))
        if self.end <= self.start:
            raise ValueError("empty time window: --from %s is not before --to %s" % (
                lt.fmt_duration(self.start), lt.fmt_duration(self.end)))
        s, e = self.start, self.end
        # What lasts to the run's end (a role, a lease or session still on
        # record, a fault not undone) is drawn to the window's end when that
        # is later than the trace's last record: `leasesim run --plot` passes
        # the run's end as --to, which no record may mark.
        self.run_end = run_end = max(tr.end, e)

        def inside(a, b):
            return a < e and b > s or (a == b and s <= a <= e)

        # Resources: chosen ones, or up to max_lanes: those with a violation
        # in the window first (a violation is never hidden), then the busiest.
        held = {}
        for b in tr.beliefs:
            held[b.resource] = held.get(b.resource, 0) + 1
        violated = {v.resource for v in tr.violations
                    if v.resource is not None and inside(v.start, v.end)}
        if opts.resources:
            unknown = [r for r in opts.resources if r not in tr.resources]
            if unknown:
                raise ValueError("unknown resource(s) %s (the trace has: %s)" % (
                    ", ".join(unknown), ", ".join(tr.resources[:20])))
            self.resources = list(opts.resources)
        else:
            self.resources = sorted(tr.resources, key=lt.natural_key)
            if len(self.resources) > opts.max_lanes:
                busiest = sorted(self.resources, key=lambda r: (r not in violated,
                                                                -held.get(r, 0),
                                                                lt.natural_key(r)))
                keep = set(busiest[:opts.max_lanes])
                self.resources = [r for r in self.resources if r in keep]
        self.hidden_resources = len(tr.resources) - len(self.resources)
        wanted = set(self.resources)
        # Violations on resources not drawn (more violated resources than
        # lanes, or --resources left them out): counted, never silently lost.
        self.hidden_violations = sum(1 for v in tr.violations
                                     if v.resource is not None and v.resource not in wanted
                                     and inside(v.start, v.end))

        self.beliefs = {r: [] for r in self.resources}   # r -> [(holder, start, end, lease)]
        self.end_reason = {}   # (resource, holder, start) -> why the belief ended
        for b in tr.beliefs:
            if b.resource in wanted and inside(b.start, b.end):
                self.beliefs[b.resource].append((b.holder, b.start, b.end, b.lease))
                if b.reason not in (None, "released"):
                    self.end_reason[(b.resource, b.holder, b.start)] = b.reason
        for v in self.beliefs.values():
            v.sort(key=lambda x: (x[1], x[2]))
        self.core = {r: [] for r in self.resources}      # r -> [(holder, granted, freed, reason)]
        for c in tr.core:
            freed = c.freed if c.freed is not None else run_end
            if c.resource in wanted and inside(c.granted, freed):
                self.core[c.resource].append((c.holder, c.granted, freed, c.reason))
        self.writes = [w for w in tr.writes if w[1] in wanted and s <= w[0] <= e]
        self.spans = [_to_run_end(sp, run_end) for sp in tr.spans]
        self._sessions(tr, opts, inside)
        self.violations = [v for v in tr.violations
                           if (v.resource is None or v.resource in wanted)
                           and inside(v.start, v.end)]
        # Beneath the chart: "[n] <the report's words>" for the first few in
        # the report's order, n the report's number (also in a window).
        told = sorted(self.violations, key=lambda v: v.report_number)[:MAX_VIOLATION_TEXTS]
        self.told_numbers = {v.report_number for v in told}   # tagged "[n]" on the chart
        self.violation_texts = ["[%d] %s" % (v.report_number, v.summary or v.kind)
                                for v in told]
        if len(self.violations) > MAX_VIOLATION_TEXTS:
            self.violation_texts.append("... and %d more in the window (the run's report has "
                                        "them all)" % (len(self.violations) -
                                                       MAX_VIOLATION_TEXTS))
        if self.hidden_violations:
            names = sorted({v.resource for v in tr.violations
                            if v.resource is not None and v.resource not in wanted
                            and inside(v.start, v.end)}, key=lt.natural_key)
            self.violation_texts.append(
                "%d violation%s in the window on resource%s not drawn: %s (--resources %s)" % (
                    self.hidden_violations, "s" if self.hidden_violations != 1 else "",
                    "s" if len(names) != 1 else "", ", ".join(names[:8]) +
                    (", ..." if len(names) > 8 else ""), ",".join(names[:8])))

        # Nodes: servers, then requestors/storage that have faults (or all chosen).
        faulty = set()
        for sp in tr.spans:
            if sp.node is not None:
                faulty.add(sp.node)
            elif sp.kind == "partition" and inside(sp.start, sp.end):
                faulty.update(minority_members(sp))
        for t, n, kind, _ in tr.instants:
            if n is not None:
                faulty.add(n)
        if opts.nodes:
            known = set(tr.servers) | set(tr.requestors) | set(tr.clock)
            unknown = [n for n in opts.nodes if n not in known]
            if unknown:
                raise ValueError("unknown node(s) %s (the trace has: %s)" % (
                    ", ".join(unknown), ", ".join(tr.nodes()[:20])))
            self.servers = [n for n in tr.servers if n in opts.nodes]
            self.others = [n for n in opts.nodes if n not in tr.servers]
        else:
            self.servers = list(tr.servers)
            self.others = sorted((n for n in faulty if n not in tr.servers), key=lt.natural_key)
        self.colour = {}
        for i, q in enumerate(tr.requestors):
            self.colour[q] = REQUESTOR_COLOURS[i % len(REQUESTOR_COLOURS)]

    def _sessions(self, tr, opts, inside):
        """Session lanes, one per client with a session in the window (any
        protocol's session_* records; none for protocols without sessions):
        the core's record of each session and the client's view of it."""
        core, views = {}, {}
        for c in tr.sessions:
            ended = c.ended if c.ended is not None else self.run_end
            if inside(c.begun, ended):
                core.setdefault(c.client, []).append(
                    (c.session, c.begun, ended, c.reason, c.extensions))
        for v in tr.session_views:
            end = self.run_end if v.open else v.end
            if inside(v.start, end):
                views.setdefault(v.client, []).append((v.session, v.state, v.start, end, v.lost))
        clients = sorted(set(core) | set(views), key=lt.natural_key)
        if opts.nodes:
            clients = [q for q in clients if q in opts.nodes]
        self.hidden_session_clients = max(0, len(clients) - opts.max_lanes)
        self.session_clients = clients[:opts.max_lanes]
        self.sessions = {q: sorted(core.get(q, []), key=lambda x: (x[1], x[0]))
                         for q in self.session_clients}
        self.session_views = {q: views.get(q, []) for q in self.session_clients}

    def lanes_of_sessions(self, client):
        """Greedy stacking of the core's sessions of `client` (an old session
        can still be on record when the client has opened its next)."""
        rows_end, out = [], []
        for _, a, b, _, _ in self.sessions[client]:
            for i, end in enumerate(rows_end):
                if end <= a:
                    rows_end[i] = b
                    out.append(i)
                    break
            else:
                rows_end.append(b)
                out.append(len(rows_end) - 1)
        return out, max(1, len(rows_end))

    def lanes_of_resource(self, r):
        """Greedy stacking of beliefs: sub-row per belief so overlaps stack."""
        rows_end = []
        out = []
        for holder, a, b, lease in self.beliefs[r]:
            for i, end in enumerate(rows_end):
                if end <= a:
                    rows_end[i] = b
                    out.append(i)
                    break
            else:
                rows_end.append(b)
                out.append(len(rows_end) - 1)
        return out, max(1, len(rows_end))

    def same_colour_handoffs(self, r):
        """Where a bar of `r` follows one of another holder in the same
        colour (colours repeat past REQUESTOR_COLOURS requestors): [(t,
        row)] of belief bars (row: their stacking row) and [t] of core
        records. The picture marks these, or the two bars read as one."""
        rows, _ = self.lanes_of_resource(r)
        last = {}
        beliefs = []
        for (holder, a, b, _), row in zip(self.beliefs[r], rows):
            prev = last.get(row)
            if prev is not None and prev != holder and self.colour.get(prev) == self.colour.get(
                    holder):
                beliefs.append((a, row))
            last[row] = holder
        core = []
        recs = sorted(self.core[r], key=lambda c: (c[1], c[2]))
        for p, c in zip(recs, recs[1:]):
            if p[0] != c[0] and self.colour.get(p[0]) == self.colour.get(c[0]):
                core.append(c[1])
        return beliefs, core

    def failover_after(self, node, t):
        """(new leader, delay) if `node` was leader when it crashed at t: the
        first leader_ready after t (the report's failover metric)."""
        roles = self.trace.roles.get(node, [])
        before = [r for r in roles if r[0] <= t]
        if not before or before[-1][1] != "leader":
            return None
        for when, server, term in self.trace.leader_ready:
            if when > t:
                return server, when - t
        return None

    def role_spans(self, server):
        """[(start, end, role, term)] for `server`, cut at crashes."""
        roles = self.trace.roles.get(server, [])
        downs = [sp for sp in self.spans if sp.kind == "down" and sp.node == server]
        out = []
        for i, (t, role, term) in enumerate(roles):
            nxt = roles[i + 1][0] if i + 1 < len(roles) else self.run_end
            for d in downs:   # a crash ends the role; the restart's role record begins anew
                if t <= d.start < nxt:
                    nxt = d.start
            if nxt > t or i + 1 == len(roles):
                out.append((t, nxt, role, term))
        return out


def minority_members(sp):
    """The nodes of a partition span cut off from the rest: every group but
    the biggest (the first of the biggest when they tie)."""
    groups = sp.info or []
    if not groups:
        return []
    biggest = max(range(len(groups)), key=lambda i: len(groups[i]))
    return [m for i, g in enumerate(groups) if i != biggest for m in g]


def _to_run_end(sp, run_end):
    """`sp`, or a copy lasting to `run_end` if it was open at the trace's end."""
    if not sp.open or sp.end >= run_end:
        return sp
    out = lt.Span(sp.kind, sp.start, sp.node, sp.info)
    out.end, out.open = run_end, True
    return out


def make_transform(tr, node):
    """x(t_ns) -> seconds on `node`'s wall clock (or true time if node is None)."""
    import numpy as np
    if node is None:
        return lambda t: np.asarray(t, dtype=float) / NS
    clock = tr.clocks.get(node)
    if clock is not None:
        # Rebuilt from its clock_init, drift and clock_step records: exact
        # from 0 to past the trace's end (linear between changes).
        points = clock.offsets(0, max(tr.end, 1))
        segs = [(a, b) for a, b in zip(points, points[1:]) if b[0] > a[0]]
        ta = np.array([a[0] for a, _ in segs], dtype=float)
        oa = np.array([a[1] for a, _ in segs], dtype=float)
        slope = np.array([(b[1] - a[1]) / (b[0] - a[0]) for a, b in segs])

        def wall(t):
            t = np.asarray(t, dtype=float)
            i = np.clip(np.searchsorted(ta, t, side="right") - 1, 0, len(ta) - 1)
            return (t + oa[i] + slope[i] * (t - ta[i])) / NS
        return wall
    samples = sorted(tr.clock.get(node, []), key=lambda x: x[0])
    if not samples:
        raise ValueError("no records of node %s in the trace" % node)
    ts = np.array([a for a, _ in samples], dtype=float)
    offs = np.array([b - a for a, b in samples], dtype=float)
    # Between samples the offset is interpolated; outside them it is held.
    return lambda t: (np.asarray(t, dtype=float) + np.interp(t, ts, offs)) / NS
