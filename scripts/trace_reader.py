"""read_trace(): a leasesim JSONL trace (docs/trace-format.md) into a Trace
(trace_records.py). What the checker judged is taken from its own records,
never re-derived (see leasesim_trace's docstring). Part of the helper module
leasesim_trace (which re-exports it)."""

import json

from trace_beliefs import belief_instances
from trace_records import (Belief, CoreLease, CoreSession, NodeClock, SessionView, Span, Trace,
                           Violation)
from trace_summary import violation_summary
from trace_units import fmt_ppm, fmt_signed, natural_key


# Kinds read in full (json.loads). Everything else is only counted, and the
# message kinds are binned by time, which needs no JSON parsing; a trace of a
# million records reads in a few seconds.
_PARSED = frozenset(
    [
        "role", "leader_ready", "lease_granted", "lease_freed", "belief_interval",
        "violation", "crash", "restart", "pause", "resume", "partition", "group_member",
        "cut", "isolate", "heal", "clock_step", "drift", "net_window", "net_window_end",
        "write_accepted", "write_rejected", "fault_skipped", "want", "belief_begin",
        "belief_end", "violation_detail", "header", "knob", "session_begin", "session_extend",
        "session_end", "session_state", "clock_init", "run_end",
    ]
)
_SEQUENCED = frozenset(["want", "belief_begin", "crash", "role", "leader_ready"])
# Of the records not parsed in full, every Nth gives a (true, local) clock
# sample for its node (clock offsets change slowly; parsed records give more).
_CLOCK_SAMPLE_EVERY = 16


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


def _check_first_record(path, lineno, line):
    """The first record decides whether this is a trace at all: a report,
    a results file, a Chrome trace or a scenario is refused here, by what it
    is, instead of failing later on a sampled line or an empty window."""
    try:
        r = json.loads(line)
    except ValueError:
        r = None
    if not isinstance(r, dict) or "t" not in r or "k" not in r:
        shown = line.strip()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        raise ValueError("%s:%d: not a leasesim trace (expected JSON Lines from `leasesim run "
                         "--trace`, each record an object with \"t\" and \"k\"; found %s)"
                         % (path, lineno, shown))


def _kind(line):
    """The record's kind, or None when the line has no whole "k" value (a
    line cut inside it is refused by the caller, at its line)."""
    i = line.find('"k":"')
    if i < 0:
        return None
    e = line.find('"', i + 5)
    return line[i + 5:e] if e >= 0 else None


# The text report tells this many violations with their story, numbered
# (sim/report/run_report_text.cpp, kWithStory).
REPORT_NUMBERED = 3


def number_as_the_report(violations):
    """Sets each violation's report_number, from the whole run's violations
    in detection order, as the text report numbers them
    (sim/report/run_report_text.cpp): failures before warnings; numbers 1 to
    REPORT_NUMBERED go to the violations told with their story (the first of
    each kind first, then the next ones), in that order; the rest, which the
    report lists in groups without numbers, continue the count in the
    report's order, so every violation of a run has one number wherever
    it is drawn."""
    ordered = [v for v in violations if not v.warning] + [v for v in violations if v.warning]
    storied = [False] * len(ordered)
    told = 0
    for first_of_kind in (True, False):
        kinds = set()
        for i, v in enumerate(ordered):
            if told >= REPORT_NUMBERED:
                break
            if storied[i] or (first_of_kind and v.kind in kinds):
                continue
            storied[i] = True
            kinds.add(v.kind)
            told += 1
    number = 0
    for want in (True, False):
        for i, v in enumerate(ordered):
            if storied[i] == want:
                number += 1
                v.report_number = number


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
    # Sessions: the first begin and the first end of each session id count
    # (a new leader may record a committed change again).
    sessions = {}       # session id -> CoreSession
    open_view = {}      # client -> its SessionView still open
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
            if tr.records == 0:
                _check_first_record(path, lineno, line)
            # Every record is one whole JSON object on its line: a trace cut
            # short mid-record or a damaged line is refused there, not drawn
            # from what came before it. (Cheap: most lines are not parsed.)
            k = _kind(line)
            if k is None or not line.startswith('{"t":') or not line.rstrip("\r\n").endswith("}"):
                raise ValueError("%s:%d: not a whole leasesim trace record (the file may be cut "
                                 "short or damaged; expected one JSON object per line)"
                                 % (path, lineno))
            tr.records += 1
            last_line = line
            if k not in _PARSED:
                tr.kinds[k] += 1
                if k == "send" or k == "drop":
                    try:
                        t = int(line[5:line.index(",", 5)])
                    except ValueError:
                        raise ValueError("%s:%d: not a leasesim trace record (\"t\" is not "
                                         "nanoseconds)" % (path, lineno))
                    (tr.sends if k == "send" else tr.drops).append(t)
                    if t > tr.end:
                        tr.end = t
                skipped += 1
                if skipped % _CLOCK_SAMPLE_EVERY == 0:
                    try:
                        t, lt, n = _prefix(line)
                    except ValueError:
                        raise ValueError("%s:%d: not a leasesim trace record (expected a JSON object "
                                         "starting {\"t\":...,\"lt\":...,\"n\":...)" % (path, lineno))
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
            if type(t) is not int:
                raise ValueError("%s:%d: not a leasesim trace record (\"t\" is %r, expected "
                                 "nanoseconds)" % (path, lineno, t))
            tr.kinds[k] += 1
            if t > tr.end:
                tr.end = t
            if n is not None:
                if k == "clock_step":   # the reading just before the step: a vertical edge
                    tr.clock[n].append((t, r["lt"] - r["by"]))
                tr.clock[n].append((t, r["lt"]))

            if k == "run_end":
                # The run's end, where what is still open ends (its last
                # record may be well before it), and why.
                tr.end_reason = r.get("reason")
                continue
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
            elif k == "session_begin":
                if r["session"] not in sessions:
                    requestor(r["client"])
                    s = CoreSession(r["client"], r["session"], r["timeout"], t, n)
                    sessions[r["session"]] = s
                    tr.sessions.append(s)
            elif k == "session_extend":
                s = sessions.get(r["session"])
                if s is not None and s.ended is None:
                    s.extensions += 1
            elif k == "session_end":
                s = sessions.get(r["session"])
                if s is not None and s.ended is None:
                    s.ended, s.reason = t, r["reason"]
            elif k == "session_state":
                requestor(n)
                v = open_view.pop(n, None)
                if v is not None:
                    v.end = t
                if r["state"] == "lost":
                    if v is not None:
                        v.lost = r["reason"]
                else:
                    v = SessionView(n, r["session"], r["state"], t)
                    open_view[n] = v
                    tr.session_views.append(v)
            elif k == "crash":
                tr.belief_events.append((k, t, n, None, None))
                v = open_view.pop(n, None)
                if v is not None:   # a crashed client's view ends with it
                    v.end, v.lost = t, "crash"
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
            elif k == "clock_init":
                tr.clocks[n] = NodeClock(r["offset"], r["ppb"])
            elif k == "clock_step":
                tr.instants.append((t, n, "clock_step", "clock %s" % fmt_signed(r["by"])))
                if n in tr.clocks:
                    tr.clocks[n].step(t, r["by"])
            elif k == "drift":
                tr.instants.append((t, n, "drift", "drift %s ppm" % fmt_ppm(r["ppb"])))
                if n in tr.clocks:
                    tr.clocks[n].drift(t, r["ppb"])
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

    if tr.records:
        # Records are in time order: the last one's time is the trace's end
        # (most records are not parsed, so it may not have been seen yet).
        try:
            tr.end = max(tr.end, int(last_line[5:last_line.index(",", 5)]))
        except ValueError:
            pass
    for b in tr.beliefs:
        if b.end > tr.end:
            tr.end = b.end
    instances = belief_instances(tr)
    for inst in instances:
        if inst.segments:
            inst.segments[-1].reason = end_reasons.get((inst.resource, inst.holder, inst.lease))
    for s in tr.spans:
        if s.end is None:
            s.end, s.open = tr.end, True
    for v in tr.session_views:
        if v.end is None:
            v.end, v.open = tr.end, True
    # Violation records are written as the checker settles them; the report
    # lists them in detection order (the detail's number).
    if all(v.number is not None for v in tr.violations):
        tr.violations.sort(key=lambda v: v.number)
    for v in tr.violations:
        v.summary = violation_summary(tr, v, instances)
    number_as_the_report(tr.violations)
    # Requestors in natural name order (c2 before c10): stable colours.
    tr.requestors = sorted((q for q in tr.requestors if q not in seen_srv), key=natural_key)
    return tr
