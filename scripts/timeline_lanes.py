"""The resource lanes of a timeline: per resource, what each holder
believed (a bar per holding segment, stacked when they overlap, labelled with
why it ended when it was not let go), the storage writes (ticks in the
writer's colour, x = rejected; a histogram when there are too many) and the
core's record of the lease (hatched, granted -> freed)."""

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from timeline_layout import BELIEF_H, CORE_H, WRITE_H
from timeline_panels import fill_steps
from timeline_style import HIST_BINS, MAX_WRITE_TICKS, MIN_LABEL_FRACTION


def draw_resources(c, model, layout):
    ax, X, x0, x1, span = c.ax, c.X, c.x0, c.x1, c.span
    label, bars, xs = c.label, c.bars, c.xs
    res_layout = layout.res_layout
    writes_by_res = {}
    for w in model.writes:
        writes_by_res.setdefault(w[1], []).append(w)
    many_writes = len(model.writes) > MAX_WRITE_TICKS
    few_core = sum(len(recs) for recs in model.core.values()) <= 60
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
                fill_steps(ax, edges, write_top + WRITE_H - 0.02 - hgt,
                           write_top + WRITE_H - 0.02, color="#555555", lw=0, zorder=4)
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
        # A handoff between two holders of one colour: a dark edge between
        # the bars, or they read as one holder's.
        same_beliefs, same_core = model.same_colour_handoffs(r)
        segs = [[(x, belief_top + row * BELIEF_H + 0.02),
                 (x, belief_top + (row + 1) * BELIEF_H - 0.02)]
                for (t, row), x in zip(same_beliefs, X([t for t, _ in same_beliefs]))]
        segs += [[(x, core_top + 0.01), (x, core_top + CORE_H - 0.01)]
                 for x in X(same_core)]
        if segs:
            ax.add_collection(LineCollection(segs, colors="#111111", linewidths=1.6, zorder=4))
        c.yticks += [belief_top + BELIEF_H * nrows / 2, write_top + WRITE_H / 2,
                   core_top + CORE_H / 2]
        c.yticklabels += [r, "writes", "core record"]
