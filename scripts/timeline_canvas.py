"""The timeline's main axes and what every lane drawer shares: the time
axis (x in seconds of true time or of one node's clock), the visible range,
bars drawn as one collection, text labels inside bars within a budget, and
the y ticks collected lane by lane. Imported once matplotlib is set up."""

import numpy as np
from matplotlib.collections import PolyCollection

from timeline_style import MAX_LABELS, MIN_LABEL_FRACTION


class Canvas:
    """The main axes, lane by lane; finish() once every lane is drawn."""

    def __init__(self, ax, X, x0, x1):
        self.ax, self.X, self.x0, self.x1 = ax, X, x0, x1
        self.span = x1 - x0
        # Label budgets: servers and faults first, so bars of a busy run cannot
        # use up the room for the few labels that explain it.
        self.labels_left = {"res": MAX_LABELS, "node": MAX_LABELS}
        self.yticks, self.yticklabels = [], []

    def label(self, xa, xb, yc, text, colour="white", size=7.5, box=False, budget="node"):
        labels_left, span, ax, x0, x1 = self.labels_left, self.span, self.ax, self.x0, self.x1
        if not text or labels_left[budget] <= 0 or (xb - xa) < MIN_LABEL_FRACTION * span:
            return
        labels_left[budget] -= 1
        ax.text((max(xa, x0) + min(xb, x1)) / 2, yc, text, ha="center", va="center",
                fontsize=size, color=colour, clip_on=True, zorder=10,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
                if box else None)

    def bars(self, spans, ytop, h, colours, **kw):
        """spans: [(xa, xb)]; one PolyCollection for all."""
        if not spans:
            return
        verts = [[(a, ytop), (b, ytop), (b, ytop + h), (a, ytop + h)] for a, b in spans]
        self.ax.add_collection(PolyCollection(verts, facecolors=colours, **kw))

    def xs(self, pairs):
        """[(t_a, t_b)] in ns -> [(xa, xb)] on the axis."""
        if not pairs:
            return []
        arr = np.asarray(pairs, dtype=float)
        a, b = self.X(arr[:, 0]), self.X(arr[:, 1])
        return list(zip(a.tolist(), b.tolist()))

    def finish(self):
        """The y ticks the lanes collected, and the axes' frame."""
        ax = self.ax
        ax.set_yticks(self.yticks)
        ax.set_yticklabels(self.yticklabels)
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
