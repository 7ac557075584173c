#!/usr/bin/python3
"""Draws a leasesim run as a timeline (docs/visualization.md).

    scripts/plot_timeline.py TRACE.jsonl OUT.png [--from 10s] [--to 20s]
        [--resources db,cache] [--nodes n1,n2,alice] [--title TEXT]
        [--clock NODE]
    (installed: leasesim-plot-timeline TRACE.jsonl OUT.png ...; OUT may also
    be given as --out OUT)

TRACE is a JSONL trace from `leasesim run --trace FILE` (or --out DIR). The
output format follows OUT's extension: .png, .svg or .pdf. The picture is
titled from the trace's header record (scenario, seed, protocol, preset and
knob overrides) unless --title says otherwise.

Top to bottom:
  * one lane per resource: what each holder believed (a bar per belief, one
    colour per requestor, overlapping beliefs stacked), a strip of storage
    writes (ticks in the writer's colour; x = rejected), and beneath them the
    core's record of the lease (lease_granted -> lease_freed), so a gap between
    belief and record shows. Violations are red boxes over their interval.
  * one lane per server: follower / candidate / leader (with its term), and
    its faults: crashed, paused, isolated, cut off by a partition, clock steps.
  * requestors (or storage) with faults get a lane of their own.
  * messages sent and dropped per second; clock offsets when any clock is off.

Beliefs and violations are the checker's own records (belief_interval, one per
holding segment of a belief; violation and violation_detail), so the picture
shows exactly what the checker judged. Each violation in the window is
numbered on the chart, and beneath the chart the first few are written out in
the words of the report (leasesim_trace.violation_summary).

Large traces: bars are drawn as collections; writes and messages become
histograms when there are too many to draw one by one; at most --max-lanes
resources are shown (the busiest), so a million-record trace plots in seconds.
"""

import argparse
import os
import sys
import textwrap

# realpath: an installed command (PREFIX/bin/leasesim-plot-timeline) may be a
# link to this file; the helper module sits next to the file itself.
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import leasesim_trace as lt  # noqa: E402

NS = lt.NS_PER_S

# Colours: requestors get the qualitative palette minus red (reserved for
# violations) and grey (used for followers).
REQUESTOR_COLOURS = [
    "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2",
    "#bcbd22", "#393b79", "#637939", "#8c6d31", "#7b4173", "#3182bd", "#31a354",
    "#e6550d", "#756bb1", "#636363", "#6baed6", "#74c476", "#fd8d3c",
]
ROLE_COLOURS = {"follower": "#dcdcdc", "candidate": "#f2c14e", "leader": "#2c3e50"}
VIOLATION_RED = "#d62728"
PAUSE_COLOUR = "#e67e22"
ISOLATE_COLOUR = "#8e44ad"
PARTITION_COLOUR = "#9b59b6"
CLOCK_COLOUR = "#16a085"
NET_COLOUR = "#f1c40f"

MAX_WRITE_TICKS = 4000      # more writes in the window: a histogram per resource
MAX_LABELS = 300            # text labels inside bars, at most
MAX_VIOLATION_TEXTS = 8     # violations written out beneath the chart, at most
TEXT_LINE = 0.17            # inches per line of those texts
MIN_LABEL_FRACTION = 0.035  # a bar gets a label if at least this share of the width
HIST_BINS = 300


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
        if self.end <= self.start:
            raise ValueError("empty time window: --from %s is not before --to %s" % (
                lt.fmt_duration(self.start), lt.fmt_duration(self.end)))
        s, e = self.start, self.end

        def inside(a, b):
            return a < e and b > s or (a == b and s <= a <= e)

        # Resources: chosen ones, or the busiest up to max_lanes.
        held = {}
        for b in tr.beliefs:
            held[b.resource] = held.get(b.resource, 0) + 1
        if opts.resources:
            unknown = [r for r in opts.resources if r not in tr.resources]
            if unknown:
                raise ValueError("unknown resource(s) %s (the trace has: %s)" % (
                    ", ".join(unknown), ", ".join(tr.resources[:20])))
            self.resources = list(opts.resources)
        else:
            self.resources = sorted(tr.resources, key=lt.natural_key)
            if len(self.resources) > opts.max_lanes:
                busiest = sorted(self.resources, key=lambda r: (-held.get(r, 0),
                                                                lt.natural_key(r)))
                keep = set(busiest[:opts.max_lanes])
                self.resources = [r for r in self.resources if r in keep]
        self.hidden_resources = len(tr.resources) - len(self.resources)
        wanted = set(self.resources)

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
            freed = c.freed if c.freed is not None else tr.end
            if c.resource in wanted and inside(c.granted, freed):
                self.core[c.resource].append((c.holder, c.granted, freed, c.reason))
        self.writes = [w for w in tr.writes if w[1] in wanted and s <= w[0] <= e]
        self.violations = [v for v in tr.violations
                           if (v.resource is None or v.resource in wanted)
                           and inside(v.start, v.end)]
        # Beneath the chart: "[n] <the report's words>" for the first few.
        self.violation_texts = ["[%d] %s" % (i + 1, v.summary or v.kind)
                                for i, v in enumerate(self.violations[:MAX_VIOLATION_TEXTS])]
        if len(self.violations) > MAX_VIOLATION_TEXTS:
            self.violation_texts.append("... and %d more in the window (the run's report has "
                                        "them all)" % (len(self.violations) -
                                                       MAX_VIOLATION_TEXTS))

        # Nodes: servers, then requestors/storage that have faults (or all chosen).
        faulty = set()
        for sp in tr.spans:
            if sp.node is not None:
                faulty.add(sp.node)
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
        downs = [sp for sp in self.trace.spans if sp.kind == "down" and sp.node == server]
        out = []
        for i, (t, role, term) in enumerate(roles):
            nxt = roles[i + 1][0] if i + 1 < len(roles) else self.trace.end
            for d in downs:   # a crash ends the role; the restart's role record begins anew
                if t <= d.start < nxt:
                    nxt = d.start
            if nxt > t or i + 1 == len(roles):
                out.append((t, nxt, role, term))
        return out


def make_transform(tr, node):
    """x(t_ns) -> seconds on `node`'s wall clock (or true time if node is None)."""
    import numpy as np
    if node is None:
        return lambda t: np.asarray(t, dtype=float) / NS
    samples = sorted(tr.clock.get(node, []), key=lambda x: x[0])
    if not samples:
        raise ValueError("no records of node %s in the trace" % node)
    ts = np.array([a for a, _ in samples], dtype=float)
    offs = np.array([b - a for a, b in samples], dtype=float)
    # Between samples the offset is interpolated; outside them it is held.
    return lambda t: (np.asarray(t, dtype=float) + np.interp(t, ts, offs)) / NS


def draw(model, opts, out_path):
    import matplotlib
    if not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.patches import Patch
    from matplotlib.lines import Line2D

    tr = model.trace
    X = make_transform(tr, opts.clock)
    x0, x1 = float(X(model.start)), float(X(model.end))
    if x1 <= x0:
        x1 = x0 + 1e-9
    span = x1 - x0

    # ---- lane layout (y grows downwards) ----
    BELIEF_H, WRITE_H, CORE_H, GAP = 0.62, 0.2, 0.3, 0.45
    SERVER_H, NODE_H = 0.62, 0.5
    LABEL_ROW = 0.3
    vio_res = {v.resource for v in model.violations}
    vio_global = any(v.resource is None for v in model.violations)
    y = 0.0
    res_layout = {}
    label_rows = {}   # resource (or None: servers) -> y of its label rows' bottom
    for r in model.resources:
        rows, nrows = model.lanes_of_resource(r)
        if r in vio_res:
            y += 3 * LABEL_ROW + 0.1
            label_rows[r] = y - 0.3
        top = y
        belief_top = y
        y += BELIEF_H * nrows
        write_top = y
        y += WRITE_H
        core_top = y
        y += CORE_H
        res_layout[r] = (top, belief_top, nrows, rows, write_top, core_top, y)
        y += GAP
    node_layout = {}
    y += LABEL_ROW   # partition / heal labels
    if vio_global:
        y += 3 * LABEL_ROW + 0.1
        label_rows[None] = y - 0.3
    server_top = y
    for n in model.servers:
        node_layout[n] = (y, SERVER_H)
        y += SERVER_H + 0.25
    for n in model.others:
        node_layout[n] = (y, NODE_H)
        y += NODE_H + 0.25
    total_h = y

    has_offsets = any(any(lt_ != t for t, lt_ in tr.clock.get(n, [])) for n in tr.clock)
    panels = [("main", max(2.5, 0.42 * total_h))]
    panels.append(("net", 0.9))
    if has_offsets or opts.clock:
        panels.append(("clock", 1.1))
    # Long texts wrap at about the figure's width (7.5 pt text).
    texts = []
    for text in model.violation_texts:
        texts += textwrap.wrap(text, width=max(40, int(opts.width * 15)),
                               subsequent_indent="     ")
    text_h = TEXT_LINE * len(texts) + (0.1 if texts else 0.0)
    fig_h = sum(h for _, h in panels) + 1.6 + text_h
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(opts.width, fig_h),
                             gridspec_kw={"height_ratios": [h for _, h in panels],
                                          "hspace": 0.08})
    if len(panels) == 1:
        axes = [axes]
    ax = axes[0]
    ax.set_ylim(total_h, -0.35)
    ax.set_xlim(x0, x1)

    # Label budgets: servers and faults first, so bars of a busy run cannot
    # use up the room for the few labels that explain it.
    labels_left = {"res": MAX_LABELS, "node": MAX_LABELS}

    def label(xa, xb, yc, text, colour="white", size=7.5, box=False, budget="node"):
        if not text or labels_left[budget] <= 0 or (xb - xa) < MIN_LABEL_FRACTION * span:
            return
        labels_left[budget] -= 1
        ax.text((max(xa, x0) + min(xb, x1)) / 2, yc, text, ha="center", va="center",
                fontsize=size, color=colour, clip_on=True, zorder=10,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
                if box else None)

    def bars(spans, ytop, h, colours, **kw):
        """spans: [(xa, xb)]; one PolyCollection for all."""
        if not spans:
            return
        verts = [[(a, ytop), (b, ytop), (b, ytop + h), (a, ytop + h)] for a, b in spans]
        ax.add_collection(PolyCollection(verts, facecolors=colours, **kw))

    def xs(pairs):
        if not pairs:
            return []
        arr = np.asarray(pairs, dtype=float)
        a, b = X(arr[:, 0]), X(arr[:, 1])
        return list(zip(a.tolist(), b.tolist()))

    yticks, yticklabels = [], []

    # ---- resources ----
    writes_by_res = {}
    for w in model.writes:
        writes_by_res.setdefault(w[1], []).append(w)
    many_writes = len(model.writes) > MAX_WRITE_TICKS
    few_core = sum(len(c) for c in model.core.values()) <= 60
    for r in model.resources:
        top, belief_top, nrows, rows, write_top, core_top, bottom = res_layout[r]
        ax.axhspan(top - 0.12, bottom + 0.12, color="#f7f7f7", zorder=0, lw=0)
        beliefs = model.beliefs[r]
        spans = xs([(a, b) for _, a, b, _ in beliefs])
        if beliefs:
            cols = [model.colour.get(h, "#7f7f7f") for h, _, _, _ in beliefs]
            verts = []
            for (xa, xb), row in zip(spans, rows):
                yt = belief_top + row * BELIEF_H + 0.04
                verts.append([(xa, yt), (xb, yt), (xb, yt + BELIEF_H - 0.08),
                              (xa, yt + BELIEF_H - 0.08)])
            ax.add_collection(PolyCollection(verts, facecolors=cols, edgecolors="white",
                                             linewidths=0.6, zorder=3))
            for (holder, a, b, lease), (xa, xb), row in zip(beliefs, spans, rows):
                # Say why a belief ended when it was not let go: expired (no
                # renewal got through), revoked or fenced.
                why = model.end_reason.get((r, holder, a))
                text = holder if why is None or (xb - xa) < 2.5 * MIN_LABEL_FRACTION * span \
                    else "%s (%s)" % (holder, why)
                label(xa, xb, belief_top + row * BELIEF_H + BELIEF_H / 2, text, budget="res")
        # writes
        ws = writes_by_res.get(r, [])
        if ws and not many_writes:
            acc = [w for w in ws if w[4]]
            rej = [w for w in ws if not w[4]]
            if acc:
                wx = X([w[0] for w in acc])
                segs = [[(x, write_top + 0.03), (x, write_top + WRITE_H - 0.03)] for x in wx]
                ax.add_collection(LineCollection(
                    segs, colors=[model.colour.get(w[2], "#333333") for w in acc],
                    linewidths=1.0, zorder=4))
            if rej:
                ax.scatter(X([w[0] for w in rej]), [write_top + WRITE_H / 2] * len(rej),
                           marker="x", s=14, color="black", linewidths=0.9, zorder=5)
        elif ws:
            counts, edges = np.histogram(X([w[0] for w in ws]), bins=HIST_BINS, range=(x0, x1))
            if counts.max() > 0:
                hgt = counts / counts.max() * (WRITE_H - 0.04)
                ax.fill_between(edges[:-1], write_top + WRITE_H - 0.02 - hgt,
                                write_top + WRITE_H - 0.02, step="post", color="#555555",
                                lw=0, zorder=4)
        # core record
        core = model.core[r]
        if core:
            cspans = xs([(a, b) for _, a, b, _ in core])
            cols = [model.colour.get(h, "#7f7f7f") for h, _, _, _ in core]
            bars(cspans, core_top + 0.03, CORE_H - 0.06, cols, alpha=0.45,
                 edgecolors=cols, linewidths=0.8, hatch="////", zorder=3)
            if few_core:
                for (holder, a, b, reason), (xa, xb) in zip(core, cspans):
                    label(xa, xb, core_top + CORE_H / 2, "core: %s" % holder,
                          colour="#222222", size=6.5, budget="res")
        yticks += [belief_top + BELIEF_H * nrows / 2, write_top + WRITE_H / 2,
                   core_top + CORE_H / 2]
        yticklabels += [r, "writes", "core record"]

    # ---- violations (over the resource lanes; run-wide ones over the servers) ----
    axes_in = opts.width * 0.895
    char_w = span * (7.5 * 0.6 / 72.0) / axes_in   # data units per character of label text
    placed = {}

    def place(key, xa, text):
        """Puts `text` at xa in the first label row (of three) where it fits."""
        if key not in label_rows:
            return
        xa = max(xa, x0)
        xb = xa + char_w * (len(text) + 1)
        rows = placed.setdefault(key, [[], [], []])
        for i, row in enumerate(rows):
            if all(xb <= a or xa >= b for a, b in row):
                row.append((xa, xb))
                ax.text(xa, label_rows[key] - i * LABEL_ROW, " " + text, color=VIOLATION_RED,
                        fontsize=7.5, fontweight="bold", va="bottom", ha="left", zorder=11,
                        clip_on=False)
                return

    groups = {}
    for v in model.violations:
        groups.setdefault((v.kind, v.resource), []).append(v)
    labels = []
    for number, v in enumerate(model.violations, 1):
        if v.resource in res_layout:
            top, _, _, _, write_top, _, bottom = res_layout[v.resource]
            ya, yb = top - 0.1, bottom + 0.1
        else:
            write_top = None
            ya, yb = server_top - 0.1, total_h
        va, vb = float(X(v.start)), float(X(v.end))
        style = "--" if v.warning else "-"
        if vb - va > 0:
            ax.add_patch(matplotlib.patches.Rectangle(
                (va, ya), vb - va, yb - ya, facecolor=VIOLATION_RED, alpha=0.1, zorder=6,
                lw=0))
            ax.add_patch(matplotlib.patches.Rectangle(
                (va, ya), vb - va, yb - ya, fill=False, edgecolor=VIOLATION_RED, lw=1.6,
                ls=style, zorder=7))
        elif write_top is not None:   # an instant on a resource (a stale write)
            ax.plot([va, va], [write_top - 0.02, write_top + WRITE_H + 0.02],
                    color=VIOLATION_RED, lw=2.0, zorder=7, solid_capstyle="butt")
            ax.plot([va], [ya], marker="v", color=VIOLATION_RED, ms=5, zorder=8,
                    clip_on=False)
        else:
            ax.plot([va, va], [ya, yb], color=VIOLATION_RED, lw=1.4, ls=style, zorder=7)
            ax.plot([va], [ya], marker="v", color=VIOLATION_RED, ms=6, zorder=8, clip_on=False)
        group = groups[(v.kind, v.resource)]
        name = v.kind.replace("_", " ") + (" (warning)" if v.warning else "")
        tag = "[%d] " % number if number <= MAX_VIOLATION_TEXTS else ""
        if v.kind in ("overlap", "latent_overlap") and len(group) <= 8:
            who = (v.first or "?") + ("/" + v.second if v.second else "")
            labels.append((v.resource, va, "%s%s %s" % (tag, name, who)))
        elif v is group[0]:
            writers = sorted({g.first for g in group if g.first})
            labels.append((v.resource, va, "%s%s%s%s" % (
                tag, "%d× " % len(group) if len(group) > 1 else "", name,
                " (%s)" % ",".join(writers[:3]) if writers else "")))
    # Failures before warnings, then by time: the important labels get room.
    for res, va, text in sorted(labels, key=lambda l: ("warning" in l[2], l[1])):
        place(res, va, text)

    # ---- servers and other nodes ----
    for n in model.servers:
        yt, h = node_layout[n]
        spans = model.role_spans(n)
        if spans:
            xsp = xs([(a, b) for a, b, _, _ in spans])
            bars(xsp, yt, h, [ROLE_COLOURS.get(role, "#999999") for _, _, role, _ in spans],
                 edgecolors="white", linewidths=0.5, zorder=2)
            for (a, b, role, term), (xa, xb) in zip(spans, xsp):
                if role == "leader":
                    label(xa, xb, yt + h / 2, "leader t%d" % term)
                elif role == "candidate":
                    label(xa, xb, yt + h / 2, "cand t%d" % term, colour="#333333", size=6.5)
        yticks.append(yt + h / 2)
        yticklabels.append(n)
    for n in model.others:
        yt, h = node_layout[n]
        ax.axhspan(yt, yt + h, color="#fbfbfb", zorder=0, lw=0)
        yticks.append(yt + h / 2)
        yticklabels.append(n)

    def node_span(n, a, b, face, hatch, text, tcol):
        if n not in node_layout:
            return
        yt, h = node_layout[n]
        (xa, xb), = xs([(a, b)])
        ax.add_patch(matplotlib.patches.Rectangle(
            (xa, yt), xb - xa, h, facecolor=face, edgecolor=tcol, hatch=hatch, lw=0.8,
            alpha=0.9, zorder=5))
        label(xa, xb, yt + h / 2, text, colour=tcol, size=7, box=True)

    # Cuts from one node that begin and end together are drawn as one span.
    cuts = {}
    spans = []
    for sp in tr.spans:
        if sp.kind != "cut":
            spans.append(sp)
            continue
        key = (sp.node, sp.start, sp.end)
        if key in cuts:
            cuts[key].info.append(sp.info)
        else:
            merged = lt.Span("cut", sp.start, sp.node, [sp.info])
            merged.end = sp.end
            cuts[key] = merged
            spans.append(merged)
    for sp in spans:
        if sp.end < model.start or sp.start > model.end:
            continue
        if sp.kind == "down":
            text = "crashed"
            fo = model.failover_after(sp.node, sp.start)
            if fo is not None:
                text = "leader crashed; %s leads %s later" % (fo[0], fmt_short(fo[1]))
            node_span(sp.node, sp.start, sp.end, "white", "xx", text, "#444444")
        elif sp.kind == "pause":
            node_span(sp.node, sp.start, sp.end, "#fdebd0", "\\\\\\", "paused", PAUSE_COLOUR)
        elif sp.kind == "isolate":
            terms = [term for t, role, term in tr.roles.get(sp.node, [])
                     if role == "candidate" and sp.start <= t <= sp.end]
            text = "isolated" + ("; campaigns for terms %d-%d" % (terms[0], terms[-1])
                                 if len(terms) > 1 else "")
            node_span(sp.node, sp.start, sp.end, "none", "...", text, ISOLATE_COLOUR)
        elif sp.kind == "cut":
            node_span(sp.node, sp.start, sp.end, "none", "...",
                      "cut -> %s" % ", ".join(sp.info), ISOLATE_COLOUR)
        elif sp.kind == "partition":
            (xa, xb), = xs([(sp.start, sp.end)])
            ax.axvspan(xa, xb, color=PARTITION_COLOUR, alpha=0.07, zorder=0, lw=0)
            groups = sp.info or []
            biggest = max(range(len(groups)), key=lambda i: len(groups[i])) if groups else -1
            for gi, g in enumerate(groups):
                if gi == biggest:
                    continue
                for m in g:   # the minority side: cut off from the rest
                    node_span(m, sp.start, sp.end, "none", "...", "", PARTITION_COLOUR)
            text = "partition " + " | ".join("{%s}" % ",".join(g) for g in groups)
            ax.text(max(xa, x0), server_top - 0.12, " " + text, color=PARTITION_COLOUR,
                    fontsize=7.5, va="bottom", ha="left", zorder=9, clip_on=True)
        elif sp.kind == "net":
            (xa, xb), = xs([(sp.start, sp.end)])
            ax.axvspan(xa, xb, color=NET_COLOUR, alpha=0.12, zorder=0, lw=0)
            info = sp.info or {}
            text = "network: loss %.1f%% dup %.1f%%" % (
                info.get("loss_ppm", 0) / 1e4, info.get("duplicate_ppm", 0) / 1e4)
            ax.text(max(xa, x0), -0.3, " " + text, color="#9a7d0a", fontsize=7.5,
                    va="bottom", ha="left", zorder=9, clip_on=True)

    for t, n, kind, text in tr.instants:
        if not (model.start <= t <= model.end):
            continue
        if kind == "heal":
            xa = float(X(t))
            ax.axvline(xa, color=PARTITION_COLOUR, lw=0.8, ls=":", zorder=1)
            continue
        if n not in node_layout:
            continue
        yt, h = node_layout[n]
        xa = float(X(t))
        if kind == "crash":
            ax.plot([xa], [yt + h / 2], marker="X", color=VIOLATION_RED, mec="black", ms=9,
                    zorder=12)
        elif kind == "restart":
            ax.plot([xa], [yt + h / 2], marker="^", color="#27ae60", mec="black", ms=8,
                    zorder=12)
        elif kind in ("clock_step", "drift"):
            ax.plot([xa], [yt + h / 2], marker="D", color=CLOCK_COLOUR, mec="black", ms=6,
                    zorder=8)
            ax.text(xa, yt - 0.02, " " + text, color=CLOCK_COLOUR, fontsize=7, va="bottom",
                    ha="left", zorder=9, clip_on=True)

    ax.set_yticks(yticks)
    ax.set_yticklabels(yticklabels)
    for tick in ax.get_yticklabels():
        if tick.get_text() in ("writes", "core record"):
            tick.set_fontsize(7)
            tick.set_color("#666666")
        else:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#e0e0e0", lw=0.6, zorder=0)
    ax.set_axisbelow(True)

    # ---- network panel ----
    pi = 1
    axn = axes[pi]
    pi += 1
    if tr.sends or tr.drops:
        edges = np.linspace(x0, x1, HIST_BINS + 1)
        width_s = (model.end - model.start) / NS / HIST_BINS
        for data, colour, name in ((tr.sends, "#7f8c8d", "sent"), (tr.drops, VIOLATION_RED,
                                                                   "dropped")):
            if not data:
                continue
            arr = np.asarray(data, dtype=float)
            arr = arr[(arr >= model.start) & (arr <= model.end)]
            counts, _ = np.histogram(X(arr), bins=edges)
            axn.fill_between(edges[:-1], counts / width_s, step="post", color=colour,
                             alpha=0.55, lw=0, label=name)
        axn.legend(loc="upper right", fontsize=7, frameon=False, ncol=2)
    axn.set_ylabel("msgs/s", fontsize=8)
    axn.tick_params(labelsize=7)
    for side in ("top", "right"):
        axn.spines[side].set_visible(False)

    # ---- clock panel ----
    if pi < len(axes):
        axc = axes[pi]
        shown = 0
        for n in tr.nodes() + sorted(set(tr.clock) - set(tr.nodes())):
            samples = tr.clock.get(n, [])
            if not samples or (all(a == b for a, b in samples) and n != opts.clock):
                continue
            samples = sorted(samples, key=lambda x: x[0])  # stable: a step's two readings
            ts = np.array([a for a, _ in samples], dtype=float)
            offs = np.array([(b - a) / 1e6 for a, b in samples])
            # The window's samples and one on each side, so lines reach the edges.
            lo = max(0, int(np.searchsorted(ts, model.start, side="right")) - 1)
            hi = min(len(ts), int(np.searchsorted(ts, model.end, side="left")) + 1)
            keep = slice(lo, hi)
            if hi <= lo:
                continue
            colour = model.colour.get(n, "#555555")
            # Drift moves the offset continuously between samples; steps have
            # two samples at one instant.
            axc.plot(X(ts[keep]), offs[keep], lw=2.2 if n == opts.clock else 1.2,
                     color=colour, label=n)
            shown += 1
            if shown >= 10:
                break
        axc.axhline(0, color="#999999", lw=0.6)
        axc.set_ylabel("clock offset\n(ms)", fontsize=8)
        axc.tick_params(labelsize=7)
        if shown:
            axc.legend(loc="upper left", fontsize=7, frameon=False, ncol=min(shown, 6))
        for side in ("top", "right"):
            axc.spines[side].set_visible(False)

    axes[-1].set_xlabel("%s (s)" % ("true time" if opts.clock is None
                                    else "%s's wall clock" % opts.clock))

    # ---- legend and title ----
    handles = []
    shown_req = [q for q in tr.requestors if any(h == q for bs in model.beliefs.values()
                                                 for h, _, _, _ in bs)]
    for q in shown_req[:12]:
        handles.append(Patch(facecolor=model.colour[q], label=q))
    if len(shown_req) > 12:
        handles.append(Patch(facecolor="white", edgecolor="white",
                             label="+%d more" % (len(shown_req) - 12)))
    # Only what the picture shows.
    roles = {role for rs in tr.roles.values() for _, role, _ in rs}
    handles.append(Patch(facecolor="#bbbbbb", alpha=0.45, hatch="////", edgecolor="#777777",
                         label="core record"))
    for role in ("leader", "candidate", "follower"):
        if role in roles:
            handles.append(Patch(facecolor=ROLE_COLOURS[role], label=role))
    if any(sp.kind == "down" for sp in tr.spans):
        handles += [
            Patch(facecolor="white", edgecolor="#444444", hatch="xx", label="crashed"),
            Line2D([], [], marker="X", color="w", markerfacecolor=VIOLATION_RED,
                   markeredgecolor="black", ms=8, label="crash"),
        ]
    if any(k == "restart" for _, _, k, _ in tr.instants):
        handles.append(Line2D([], [], marker="^", color="w", markerfacecolor="#27ae60",
                              markeredgecolor="black", ms=7, label="restart"))
    if any(sp.kind == "pause" for sp in tr.spans):
        handles.append(Patch(facecolor="#fdebd0", edgecolor=PAUSE_COLOUR, hatch="\\\\\\",
                             label="paused"))
    if any(sp.kind in ("isolate", "partition", "cut") for sp in tr.spans):
        handles.append(Patch(facecolor="white", edgecolor=PARTITION_COLOUR, hatch="...",
                             label="cut off"))
    if any(k in ("clock_step", "drift") for _, _, k, _ in tr.instants):
        handles.append(Line2D([], [], marker="D", color="w", markerfacecolor=CLOCK_COLOUR,
                              markeredgecolor="black", ms=6, label="clock change"))
    if model.violations:
        handles.append(Patch(facecolor=VIOLATION_RED, alpha=0.3, edgecolor=VIOLATION_RED,
                             label="violation"))
    ncol = min(len(handles), 10)
    nrow = -(-len(handles) // ncol)
    # matplotlib fills legend columns first; reorder so it reads row by row.
    grid = [handles[i * ncol:(i + 1) * ncol] for i in range(nrow)]
    handles = [grid[r][c] for c in range(ncol) for r in range(nrow) if c < len(grid[r])]
    fig.legend(handles=handles, loc="upper center", ncol=ncol, fontsize=7.5,
               frameon=False, bbox_to_anchor=(0.5, 1 - 0.55 / fig_h))

    title, sub = titles(tr, model, opts)
    failures = sum(1 for v in tr.violations if not v.warning)
    fig.suptitle(title, fontsize=12, fontweight="bold", y=1 - 0.08 / fig_h)
    fig.text(0.5, 1 - 0.38 / fig_h, sub, ha="center", fontsize=8.5,
             color=VIOLATION_RED if failures else "#2e7d32")
    fig.text(0.01, 0.12 / fig_h,
             "Bars: what each holder believed, in true time, as the checker judged it "
             "(stacked when they overlap). Hatched: the core's record (granted -> freed). "
             "Ticks: storage writes in the writer's colour (x = rejected). Red: violations.",
             fontsize=7, color="#777777", ha="left", va="bottom")
    for i, text in enumerate(texts):
        fig.text(0.01, (0.12 + 0.25 + text_h - TEXT_LINE * (i + 1)) / fig_h, text,
                 fontsize=7.5, color=VIOLATION_RED, ha="left", va="bottom")
    fig.subplots_adjust(left=0.09, right=0.985, top=1 - 1.0 / fig_h,
                        bottom=(0.75 + text_h) / fig_h)
    lt.save_atomically(fig, out_path, dpi=110)
    plt.close(fig)


def titles(tr, model, opts):
    """(title, subtitle): the scenario and seed from the trace's header (or
    --title), then the protocol settings, the verdict and the window."""
    if opts.title:
        title = opts.title
    elif tr.header is not None:
        title = "%s (seed %s)" % (tr.header.get("scenario"), tr.header.get("seed"))
    else:
        title = tr.title()
    failures = sum(1 for v in tr.violations if not v.warning)
    verdict = ("safety VIOLATED (%d)" % failures) if failures else "safety holds"
    setting = tr.setting()
    sub = "%s%s   %s records   %s - %s%s" % (
        setting + "   " if setting else "",
        verdict, format(tr.records, ","), fmt_s(model.start), fmt_s(model.end),
        ("   (%d more resources hidden; --resources)" % model.hidden_resources
         if model.hidden_resources else ""))
    return title, sub


def fmt_short(ns):
    """Three significant digits: 167ms, 1.23s."""
    for unit, scale in (("s", NS), ("ms", 1e6), ("us", 1e3)):
        if abs(ns) >= scale:
            return "%.3g%s" % (ns / scale, unit)
    return "%dns" % ns


def fmt_s(ns):
    return "%.3gs" % (ns / NS) if abs(ns) < 10 * NS else "%.1fs" % (ns / NS)


def split_list(text):
    return [p for p in (x.strip() for x in text.split(",")) if p] if text else None


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Draw a leasesim JSONL trace as a timeline (PNG, SVG or PDF by extension).")
    ap.add_argument("paths", nargs="+", metavar="TRACE OUT",
                    help="the JSONL trace from `leasesim run --trace FILE`, then the picture "
                    "to write (.png, .svg or .pdf)")
    ap.add_argument("-o", "--out", dest="out_opt", metavar="OUT",
                    help="the picture, instead of the last argument")
    ap.add_argument("--from", dest="start", help="start of the window (e.g. 10s)")
    ap.add_argument("--to", dest="end", help="end of the window (e.g. 20s)")
    ap.add_argument("--resources", help="comma-separated resources to show (default: all, "
                    "or the busiest --max-lanes)")
    ap.add_argument("--nodes", help="comma-separated nodes to show (default: servers and "
                    "nodes with faults)")
    ap.add_argument("--title", help="figure title")
    ap.add_argument("--clock", metavar="NODE",
                    help="draw against NODE's wall clock instead of true time (shows drift)")
    ap.add_argument("--max-lanes", type=int, default=20,
                    help="most resource lanes to draw (default 20)")
    ap.add_argument("--width", type=float, default=14.0, help="figure width in inches")
    args = ap.parse_args(argv)
    try:
        inputs, args.out, _ = lt.inputs_and_output(args.paths, args.out_opt)
        if len(inputs) != 1:
            raise ValueError("expected one trace, found %d: %s" % (len(inputs), " ".join(inputs)))
    except ValueError as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    args.trace = inputs[0]

    ext = os.path.splitext(args.out)[1].lower()
    if ext not in (".png", ".svg", ".pdf"):
        print("plot_timeline.py: %s: the output must end in .png, .svg or .pdf" % args.out,
              file=sys.stderr)
        return 2
    try:
        start = lt.parse_duration(args.start) if args.start else None
        end = lt.parse_duration(args.end) if args.end else None
    except ValueError as e:
        print("plot_timeline.py: --from/--to: %s" % e, file=sys.stderr)
        return 2
    opts = Options(start, end, split_list(args.resources), split_list(args.nodes), args.title,
                   args.clock, args.max_lanes, args.width)
    try:
        tr = lt.read_trace(args.trace)
    except (OSError, ValueError) as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    tr.path = args.trace
    if tr.records == 0:
        print("plot_timeline.py: %s: the trace is empty" % args.trace, file=sys.stderr)
        return 2
    if opts.clock and opts.clock not in tr.clock:
        print("plot_timeline.py: --clock: no records of node %s in %s" % (opts.clock, args.trace),
              file=sys.stderr)
        return 2
    try:
        model = Model(tr, opts)
    except ValueError as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(lt.matplotlib_missing("plot_timeline.py"), file=sys.stderr)
        return 2
    try:
        draw(model, opts, args.out)
    except OSError as e:
        print("plot_timeline.py: cannot write %s: %s" % (args.out, e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
