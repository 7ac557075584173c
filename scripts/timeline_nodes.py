"""The node lanes of a timeline: each server's role over time (follower,
candidate, leader with its term), and every shown node's faults: crashed
(with the failover a leader's crash caused), paused, isolated, cut off,
on the minority side of a partition; crash, restart and clock-change marks;
partitions, heals and network windows across the chart."""

import matplotlib.patches

import leasesim_trace as lt
from timeline_style import (CLOCK_COLOUR, ISOLATE_COLOUR, NET_COLOUR, PARTITION_COLOUR,
                            PAUSE_COLOUR, ROLE_COLOURS, VIOLATION_RED)
from timeline_model import minority_members
from timeline_titles import fmt_short


def draw_nodes(c, model, layout):
    ax, X, x0 = c.ax, c.X, c.x0
    label, bars, xs = c.label, c.bars, c.xs
    tr = model.trace
    node_layout, server_top = layout.node_layout, layout.server_top
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
        c.yticks.append(yt + h / 2)
        c.yticklabels.append(n)
    for n in model.others:
        yt, h = node_layout[n]
        ax.axhspan(yt, yt + h, color="#fbfbfb", zorder=0, lw=0)
        c.yticks.append(yt + h / 2)
        c.yticklabels.append(n)

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
    for sp in model.spans:
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
            for m in minority_members(sp):   # the minority side: cut off from the rest
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
