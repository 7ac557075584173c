#!/usr/bin/python3
"""Independent check of leasesim's safety verdicts (docs/reliability.md).

Reads a run's raw trace (docs/trace-format.md) and recomputes, from the
definitions alone, every overlap and stale write; then compares them with
the violations in the run's JSON report (`leasesim run FILE --json`, or
report.json of `--out`) and exits non-zero on any disagreement, printing
both sides. It shares no code with the checker (sim/check/): it reads only

  clock_init, drift, clock_step     to rebuild every node's clocks exactly
                                    (integer ns; the model of
                                    include/leasesim/clock/node_clock.hpp),
                                    checked against every record's `lt`;
  belief_begin/extend/end, crash    what each holder believed, and until when;
  write_accepted                    what storage accepted;
  run_end                           whether the run saw all of its last instant;

never the checker's own `belief_interval` or `violation` records.

Definitions (issue 12; docs/reliability.md#the-independent-check):

* A belief (holder, lease, resource) is open from its belief_begin until the
  holder's belief_end for it, its crash, or the run's end. It HOLDS at every
  true instant in that span at which the holder's clock of the belief's kind
  reads strictly below the belief's current deadline (a belief_extend
  replaces the deadline from its instant on). So a belief may lapse and
  resume. Intervals are half-open: touching is not overlapping. A second
  belief_begin of a belief still open restates it (one belief: its deadline,
  clock kind and token are replaced from that instant on, like an extend);
  it is still a begin for the stale-write rule.
* overlap: for two beliefs on one resource by different holders, every
  maximal stretch of true time in which both hold is one violation. The
  run's last instant `end` counts too when the run saw all of it (it reached
  its duration or ran out of events; not when --max-events, --timeout or
  --stop-on-first cut it inside that instant): two beliefs both hold AT
  `end` when both are still open then (one ended or crashed at `end` does
  not hold there) and both clocks read below their deadlines after every
  change of that instant. Such a stretch that did not already run up to
  `end` is one more violation, reported as [end, end).
* stale_write: a write_accepted (resource, token, writer, lease) at t is
  stale if another holder's belief on that resource (whatever its lease
  number: numbers can be reused across grants) began after the writer's
  earliest belief_begin for (writer, lease) on that resource at or before t
  (at any time, if there is none; the numbers are the protocol's and may
  repeat on another resource) and at or before t; or if its token is below
  the highest token storage had already accepted for that resource. A
  begin after t says nothing of the write: the verdict on a write never
  depends on what happened after it was accepted.

Usage:
  audit_trace.py TRACE.jsonl REPORT.json     compare; exit 0 agree, 1 disagree
  audit_trace.py TRACE.jsonl --end-ns N      just print what the audit finds
  options: --summary (one JSON line of counts, for scripts/audit.sh),
           --verbose (every finding, not only disagreements)
Exit 2: unreadable input (or a report of another run: its end_ns is not the
trace's run_end); 3: the trace contradicts the clock model (an `lt`
or `offset` that the rebuild does not reproduce), so no verdict is given.

Standard library only (Debian's /usr/bin/python3).
"""

import bisect
import json
import re
import sys
from collections import Counter, defaultdict

BILLION = 1_000_000_000
# The writer's fixed key order (t, lt, n, k) lets most lines be read without
# json.loads; anything else falls back to it.
_PREFIX = re.compile(r'\{"t":(-?\d+),"lt":(-?\d+),"n":(null|"[^"\\]*"),"k":"([a-z_]+)"')
_PARSED = frozenset(["clock_init", "drift", "clock_step", "belief_begin", "belief_extend",
                     "belief_end", "crash", "write_accepted", "run_end"])
# run_end reasons (docs/trace-format.md) for which the run saw every record of
# its last instant; any other reason may have cut the run inside it.
_WHOLE_LAST_INSTANT = frozenset(["completed", "quiescent"])


class Inconsistent(Exception):
    """The trace contradicts the clock model: no verdict."""


class Clock:
    """One node's clocks: segments of constant drift and wall delta.

    mono(t) = a_mono + floor((t - a_true) * (1e9 + ppb) / 1e9), wall = mono + w;
    each segment holds (start, a_true, a_mono, ppb, w) in force from `start`
    (the state after every change at that instant) until the next."""

    def __init__(self, offset, ppb):
        self.segs = [(0, 0, 0, ppb, offset)]
        self.starts = [0]

    @staticmethod
    def mono_of(seg, t):
        _, a_true, a_mono, ppb, _ = seg
        return a_mono + (t - a_true) * (BILLION + ppb) // BILLION

    def _set(self, t, seg):
        if self.starts[-1] == t:
            self.segs[-1] = seg
        else:
            self.segs.append(seg)
            self.starts.append(t)

    def wall_now(self, t):
        seg = self.segs[-1]
        return self.mono_of(seg, t) + seg[4]

    def drift(self, t, ppb):
        seg = self.segs[-1]
        self._set(t, (t, t, self.mono_of(seg, t), ppb, seg[4]))

    def step(self, t, by):
        s = self.segs[-1]
        self._set(t, (t, s[1], s[2], s[3], s[4] + by))

    def seg_at(self, t):
        return self.segs[bisect.bisect_right(self.starts, t) - 1]

    def boundaries(self, lo, hi):
        """Segment starts strictly inside (lo, hi)."""
        i = bisect.bisect_right(self.starts, lo)
        j = bisect.bisect_left(self.starts, hi)
        return self.starts[i:j]

    @classmethod
    def first_reaching(cls, seg, wall, deadline, s):
        """Earliest true t >= s at which the clock reads >= deadline, within seg."""
        _, a_true, a_mono, ppb, w = seg
        target = deadline - w if wall else deadline
        if cls.mono_of(seg, s) >= target:
            return s
        # floor(x * r / 1e9) >= d  <=>  x >= ceil(d * 1e9 / r), r > 0.
        d, r = target - a_mono, BILLION + ppb
        return max(s, a_true + -((-d * BILLION) // r))


class Belief:
    __slots__ = ("holder", "resource", "lease", "token", "begin", "close", "deadlines",
                 "starts", "closed_by", "holds", "restated", "at_end")

    def __init__(self, holder, resource, lease, token, wall, begin, deadline):
        self.holder, self.resource, self.lease, self.token = holder, resource, lease, token
        self.begin = begin
        # (from, deadline, on the wall clock), in time order: an extend keeps
        # the clock kind, a repeated begin (restated) may change it.
        self.deadlines = [(begin, deadline, wall)]
        self.starts = [begin]  # the deadlines' `from`s, for bisect
        self.close, self.closed_by, self.holds = None, None, []
        self.restated = []  # instants of repeated begins
        self.at_end = False  # holds at the run's last instant (judged: finish)

    def restate(self, t, deadline, wall):
        """A deadline (and clock kind) in force from t on; one at t replaces one at t."""
        if self.starts[-1] == t:
            self.deadlines[-1] = (t, deadline, wall)
        else:
            self.deadlines.append((t, deadline, wall))
            self.starts.append(t)

    def deadline_at(self, t):
        """(deadline, wall) in force at t, after every change of that instant."""
        _, deadline, wall = self.deadlines[bisect.bisect_right(self.starts, t) - 1]
        return deadline, wall

    def name(self):
        return "%s lease %d" % (self.holder, self.lease)


def fmt(ns):
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return "%s%d.%09ds" % (sign, ns // BILLION, ns % BILLION)


def merge(pieces):
    out = []
    for a, b in pieces:
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class Audit:
    def __init__(self):
        self.clocks = {}
        self.open = {}  # (holder, resource, lease) -> Belief
        self.beliefs = []
        self.writes = []  # (t, resource, writer, lease, token), trace order
        # Every belief_begin, repeated ones included: resource -> [(t, holder,
        # lease)], in trace (so time) order, for the stale-write rule.
        self.begins = defaultdict(list)
        self.anomalies = []
        self.records = 0
        self.last_t = None  # the latest record time (run_end's included)
        self.run_end = None  # (t, reason) of the trace's run_end record
        self.end, self.end_judged = None, False  # set by finish()

    # -- reading -------------------------------------------------------------
    def read(self, path):
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                self.records += 1
                m = _PREFIX.match(line)
                if m:
                    t, lt, n, k = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
                    n = None if n == "null" else n[1:-1]
                    r = json.loads(line) if k in _PARSED else None
                else:
                    r = json.loads(line)
                    t, lt, n, k = r["t"], r.get("lt"), r.get("n"), r["k"]
                try:
                    self.record(t, lt, n, k, r)
                except KeyError as e:
                    raise ValueError("%s:%d: %s record without %s" % (path, lineno, k, e))
                except Inconsistent as e:
                    raise Inconsistent("%s:%d: %s" % (path, lineno, e))

    def record(self, t, lt, n, k, r):
        self.last_t = t if self.last_t is None else max(self.last_t, t)
        if k == "run_end":
            self.run_end = (t, r["reason"])
        elif k == "clock_init":
            if n in self.clocks:
                raise Inconsistent("a second clock_init for %s" % n)
            self.clocks[n] = Clock(r["offset"], r["ppb"])
        elif k == "drift":
            self.clock(n).drift(t, r["ppb"])
        elif k == "clock_step":
            self.clock(n).step(t, r["by"])
        if n is not None:
            wall = self.clock(n).wall_now(t)
            if lt is not None and lt != wall:
                raise Inconsistent("%s %s at t=%d: lt %d, but the rebuilt wall clock reads %d"
                                   % (k, n, t, lt, wall))
            if k in ("drift", "clock_step") and r["offset"] != wall - t:
                raise Inconsistent("%s %s at t=%d: offset %d, rebuilt %d"
                                   % (k, n, t, r["offset"], wall - t))
        if k == "belief_begin":
            key = (n, r["resource"], r["lease"])
            self.begins[r["resource"]].append((t, n, r["lease"]))
            b = self.open.get(key)
            if b is not None:
                # No built-in protocol does it (a user's might: a duplicate
                # grant): the same belief, stated again. Closing it and
                # opening another would split one overlap across it in two.
                b.restate(t, r["deadline"], r["clock"] == "wall")
                b.token = r["token"]
                b.restated.append(t)
            else:
                b = Belief(n, r["resource"], r["lease"], r["token"], r["clock"] == "wall", t,
                           r["deadline"])
                self.open[key] = b
                self.beliefs.append(b)
        elif k == "belief_extend":
            b = self.open.get((n, r["resource"], r["lease"]))
            if b is None:
                self.anomalies.append("belief_extend of no open belief at %d" % t)
            else:
                b.restate(t, r["deadline"], b.deadlines[-1][2])
        elif k == "belief_end":
            b = self.open.pop((n, r["resource"], r["lease"]), None)
            if b is None:
                self.anomalies.append("belief_end of no open belief at %d" % t)
            else:
                self.close(b, t, "end (%s)" % r.get("reason"))
        elif k == "crash":
            for key in [key for key in self.open if key[0] == n]:
                self.close(self.open.pop(key), t, "crash")
        elif k == "write_accepted":
            self.writes.append((t, r["resource"], r["writer"], r["lease"], r["token"]))

    def clock(self, n):
        c = self.clocks.get(n)
        if c is None:
            raise Inconsistent("no clock_init for %s before its first record (a trace from "
                               "before clock_init records cannot be audited)" % n)
        return c

    def close(self, b, t, why):
        b.close, b.closed_by = t, why

    # -- judging -------------------------------------------------------------
    def last_instant_whole(self, end, report_reason=None):
        """Whether the trace holds every record of the instant `end`: the run
        went past it (a record after it) or ended there for a reason that
        cannot cut an instant (the trace's run_end, else the report's
        end_reason; a trace with neither is taken as whole)."""
        if self.last_t is not None and self.last_t > end:
            return True
        reason = self.run_end[1] if self.run_end is not None else report_reason
        return reason is None or reason in _WHOLE_LAST_INSTANT

    def finish(self, end, last_instant_whole=True):
        """Closes what is open at `end`. When the run saw all of its last
        instant, also judges which beliefs hold AT `end` (those open past it
        whose clock there, after every change of the instant, reads below
        the deadline then in force): a stretch begun there is an overlap."""
        self.end, self.end_judged = end, last_instant_whole
        for b in self.beliefs:
            if b.close is None or b.close > end:
                if last_instant_whole and b.begin <= end:
                    deadline, wall = b.deadline_at(end)
                    seg = self.clocks[b.holder].seg_at(end)
                    b.at_end = Clock.mono_of(seg, end) + (seg[4] if wall else 0) < deadline
        for key in list(self.open):
            self.close(self.open.pop(key), end, "run end")
        for b in self.beliefs:
            b.close = min(b.close, end)
            b.holds = self.holding(b)

    def holding(self, b):
        """The true-time pieces in which belief b holds, merged."""
        if b.close <= b.begin:
            return []
        clock = self.clocks[b.holder]
        cuts = {b.begin, b.close}
        cuts.update(d[0] for d in b.deadlines if b.begin < d[0] < b.close)
        cuts.update(clock.boundaries(b.begin, b.close))
        cuts = sorted(cuts)
        pieces = []
        for s, e in zip(cuts, cuts[1:]):
            deadline, wall = b.deadline_at(s)
            stop = Clock.first_reaching(clock.seg_at(s), wall, deadline, s)
            pieces.append((s, min(e, stop)))
        return merge(pieces)

    def overlaps(self):
        """[(resource, frozenset({(holder, lease), ...}), from, to, b1, b2)]."""
        end = self.end
        by_resource = defaultdict(list)
        for b in self.beliefs:
            if b.holds or b.at_end:
                by_resource[b.resource].append(b)

        def first(b):
            return b.holds[0][0] if b.holds else end

        def last(b):  # exclusive: past `end` when it holds at `end`
            return end + 1 if b.at_end else b.holds[-1][1]

        out = []
        for resource, bs in by_resource.items():
            bs.sort(key=first)
            for i, x in enumerate(bs):
                for y in bs[i + 1:]:
                    if first(y) >= last(x):
                        break
                    if x.holder == y.holder:
                        continue
                    pair = frozenset([(x.holder, x.lease), (y.holder, y.lease)])
                    pieces = intersect(x.holds, y.holds)
                    for a, z in pieces:
                        out.append((resource, pair, a, z, x, y))
                    # Both hold at the last instant: the stretch that ran up
                    # to it goes on through it, or one begins there.
                    if x.at_end and y.at_end and not (pieces and pieces[-1][1] == end):
                        out.append((resource, pair, end, end, x, y))
        return out

    def stale_writes(self):
        """[(resource, writer, lease, token, t, why, aba, token_order)]: aba when the
        newer holder's tenure is over and the writer holds again (a checker that
        compares with the latest holder only misses it, unless the token is low)."""
        # Every begin counts, a repeated one too: a belief restated after the
        # writer's lease began is another requestor believing after it.
        earliest = {}  # (holder, resource, lease): numbers may repeat across resources
        for resource, begins in self.begins.items():
            for t, holder, lease in begins:
                key = (holder, resource, lease)
                earliest[key] = min(earliest.get(key, t), t)
        highest = {}
        out = []
        for t, resource, writer, lease, token in self.writes:
            since = earliest.get((writer, resource, lease))
            if since is not None and since > t:
                since = None  # the writer's lease began only after the write
            begins = self.begins.get(resource, [])
            newer = [g for g in begins
                     if g[1] != writer and g[0] <= t and (since is None or g[0] > since)]
            why, aba, low = None, False, False
            if newer:
                g = min(newer, key=lambda g: g[0])
                why = "%s lease %d began at %s%s" % (g[1], g[2], fmt(g[0]),
                                                     "" if since is None else ", after the "
                                                     "writer's lease %d began at %s" % (
                                                         lease, fmt(since)))
                latest = max((x for x in begins if x[0] <= t), key=lambda x: x[0])
                if latest[1] == writer:
                    aba = True
                    why = "A-B-A: " + why + "; the writer holds again since " + fmt(latest[0])
            top = highest.get(resource, 0)
            if token < top:
                low = True
                why = (why + "; " if why else "") + "token %d below %d already accepted" % (
                    token, top)
            if why:
                out.append((resource, writer, lease, token, t, why, aba, low))
            highest[resource] = max(top, token)
        return out


def intersect(xs, ys):
    out, i, j = [], 0, 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if a < b:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return merge(out)


def checker_side(report, audit):
    """The report's overlaps and stale writes as comparable keys."""
    end = report["end_ns"]
    overlaps, stale = Counter(), Counter()
    tokens = defaultdict(list)
    for t, resource, writer, lease, token in audit.writes:
        tokens[(resource, writer, lease, t)].append(token)
    for v in report.get("violations", []):
        if v["kind"] == "overlap":
            # Kept even when empty: [end, end) is the stretch begun at the
            # run's last instant, which the audit judges too; an empty one
            # anywhere else held no instant and is a disagreement.
            a, z = min(v["from_ns"], end), min(v["to_ns"], end)
            pair = frozenset([(v["first"] or "-", v["first_lease"]),
                              (v["second"] or "-", v["second_lease"])])
            overlaps[(v["resource"], pair, a, z)] += 1
        elif v["kind"] == "stale_write":
            key = (v["resource"], v["first"], v["first_lease"], v["from_ns"])
            if "token" in v:
                token = v["token"]
            else:  # not in the report: the write's own token, from the trace
                cands = tokens.get(key)
                token = cands.pop(0) if cands else None
            stale[(v["resource"], v["first"], v["first_lease"], token, v["from_ns"])] += 1
    return overlaps, stale


def show_overlap(key, evidence=None):
    resource, pair, a, z = key
    (h1, l1), (h2, l2) = sorted(pair) if len(pair) == 2 else (sorted(pair) * 2)[:2]
    s = "overlap %s: %s lease %d / %s lease %d  [%s, %s)  %s" % (
        resource, h1, l1, h2, l2, fmt(a), fmt(z), fmt(z - a))
    for b in evidence or ():
        s += "\n      %s: begun %s%s, closed %s by %s; %s clock; holds %s%s" % (
            b.name(), fmt(b.begin),
            "".join(" (again %s)" % fmt(t) for t in b.restated), fmt(b.close), b.closed_by,
            "/".join(sorted(set("wall" if d[2] else "monotonic" for d in b.deadlines))),
            " ".join("[%s, %s)" % (fmt(p), fmt(q)) for p, q in b.holds) or (
                "only" if b.at_end else "nothing"),
            (" and" if b.holds else "") + " at the run's end" if b.at_end else "")
    return s


def show_stale(key, why=None):
    resource, writer, lease, token, t = key
    s = "stale_write %s: %s lease %d token %s at %s" % (resource, writer, lease, token, fmt(t))
    return s + ("\n      " + why if why else "")


def classify_overlap(x, y):
    if len(x.holds) > 1 or len(y.holds) > 1:
        return "overlap with a belief that lapsed and resumed"
    return "overlap"


def main(argv):
    args, opts = [], {}
    it = iter(argv)
    for a in it:
        if a in ("--summary", "--verbose"):
            opts[a] = True
        elif a == "--end-ns":
            opts[a] = int(next(it, "0"))
        elif a.startswith("-"):
            print("audit_trace.py: unknown option %s" % a, file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) not in (1, 2) or (len(args) == 1) == ("--end-ns" not in opts):
        print(__doc__.split("Usage:")[1].split("Exit 2")[0].rstrip(), file=sys.stderr)
        return 2
    try:
        report = None
        if len(args) == 2:
            with open(args[1], encoding="utf-8") as f:
                report = json.load(f)
        end = report["end_ns"] if report is not None else opts["--end-ns"]
        audit = Audit()
        audit.read(args[0])
    except Inconsistent as e:
        print("audit_trace.py: the trace contradicts the clock model: %s" % e, file=sys.stderr)
        return 3
    except (OSError, ValueError, KeyError) as e:
        print("audit_trace.py: %s" % e, file=sys.stderr)
        return 2
    if report is not None and audit.run_end is not None and audit.run_end[0] != end:
        print("audit_trace.py: the trace's run_end is at %d ns but the report's end_ns is %d: "
              "not the same run" % (audit.run_end[0], end), file=sys.stderr)
        return 2
    audit.finish(end, audit.last_instant_whole(
        end, report.get("end_reason") if report is not None else None))
    found_o = audit.overlaps()
    found_s = audit.stale_writes()
    mine_o = Counter((r, p, a, z) for r, p, a, z, _, _ in found_o)
    mine_s = Counter(s[:5] for s in found_s)
    evidence = {(r, p, a, z): (x, y) for r, p, a, z, x, y in found_o}
    whys = {s[:5]: s[5] for s in found_s}
    theirs_o, theirs_s = checker_side(report, audit) if report is not None else (mine_o, mine_s)
    only = {"overlap only in the audit": mine_o - theirs_o,
            "overlap only in the checker": theirs_o - mine_o,
            "stale_write only in the audit": mine_s - theirs_s,
            "stale_write only in the checker": theirs_s - mine_s}
    agree = not any(only.values())
    classes = Counter()
    for key in only["overlap only in the audit"]:
        classes["audit-only " + classify_overlap(*evidence[key])] += 1
    for key in only["overlap only in the checker"]:
        classes["checker-only overlap"] += 1
    flags = {s[:5]: s[6:] for s in found_s}
    for key in only["stale_write only in the audit"]:
        aba, low = flags[key]
        classes["audit-only stale_write" + (" (A-B-A)" if aba else "") +
                (" (token order)" if low else "")] += 1
    for key in only["stale_write only in the checker"]:
        classes["checker-only stale_write"] += 1

    if "--summary" in opts:
        print(json.dumps({
            "agree": agree, "records": audit.records, "beliefs": len(audit.beliefs),
            "lapsed_and_resumed": sum(1 for b in audit.beliefs if len(b.holds) > 1),
            "restated_beliefs": sum(1 for b in audit.beliefs if b.restated),
            "last_instant_judged": audit.end_judged,
            "end_instant_overlaps": sum(n for k, n in mine_o.items() if k[2] == k[3]),
            "overlaps": sum(mine_o.values()), "stale_writes": sum(mine_s.values()),
            "aba_stale_writes": sum(1 for s in found_s if s[6] and not s[7]),
            "token_order_stale_writes": sum(1 for s in found_s if s[7]),
            "checker_overlaps": sum(theirs_o.values()),
            "checker_stale_writes": sum(theirs_s.values()),
            "disagreements": dict(classes), "anomalies": len(audit.anomalies)},
            sort_keys=True))
    if "--summary" not in opts or not agree:
        label = "the audit" if report is None else (
            "AGREES with the checker" if agree else "DISAGREES with the checker")
        print("audit_trace: %s: %d beliefs (%d lapsed and resumed), %d accepted writes; "
              "overlaps %d (checker %d), stale writes %d (checker %d): %s" % (
                  args[0], len(audit.beliefs),
                  sum(1 for b in audit.beliefs if len(b.holds) > 1), len(audit.writes),
                  sum(mine_o.values()), sum(theirs_o.values()), sum(mine_s.values()),
                  sum(theirs_s.values()), label))
        for title, keys in only.items():
            if not keys:
                continue
            print("  %s (%d):" % (title, sum(keys.values())))
            for key in sorted(keys, key=lambda k: (k[-1], str(k))):
                if title.startswith("overlap"):
                    print("    " + show_overlap(key, evidence.get(key)))
                else:
                    print("    " + show_stale(key, whys.get(key)))
        if "--verbose" in opts or report is None:
            for key in sorted(mine_o, key=lambda k: (k[2], str(k))):
                print("  found " + show_overlap(key, evidence[key]))
            for key in sorted(mine_s, key=lambda k: (k[4], str(k))):
                print("  found " + show_stale(key, whys[key]))
        for a in audit.anomalies[:5]:
            print("  note: " + a)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
