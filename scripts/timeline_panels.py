"""The timeline's panels beneath the lanes: messages sent and dropped per
second, and each node's clock offset (wall clock minus true time) when any
clock is off or the picture is drawn against one node's clock."""

import numpy as np

import leasesim_trace as lt
from timeline_style import HIST_BINS, VIOLATION_RED

NS = lt.NS_PER_S


def fill_steps(ax, edges, low, high, **kw):
    """A histogram strip: bin i filled from edges[i] to edges[i + 1] between
    low and high (numbers or per-bin arrays), the last bin included."""
    n = len(edges) - 1

    def steps(v):   # a step="post" curve needs the last bin's value repeated at its end
        v = np.broadcast_to(np.asarray(v, dtype=float), (n,))
        return np.append(v, v[-1])
    return ax.fill_between(edges, steps(low), steps(high), step="post", **kw)


def draw_network(axn, model, X, x0, x1):
    tr = model.trace
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
            fill_steps(axn, edges, 0, counts / width_s, color=colour, alpha=0.55, lw=0,
                       label=name)
        axn.legend(loc="upper right", fontsize=7, frameon=False, ncol=2)
    axn.set_ylabel("msgs/s", fontsize=8)
    axn.tick_params(labelsize=7)
    for side in ("top", "right"):
        axn.spines[side].set_visible(False)


def draw_clocks(axc, model, opts, X):
    tr = model.trace
    shown = 0
    for n in tr.nodes() + sorted((set(tr.clock) | set(tr.clocks)) - set(tr.nodes()),
                                 key=lt.natural_key):
        clock = tr.clocks.get(n)
        if clock is not None:
            # Rebuilt exactly from clock_init, drift and clock_step: the
            # whole window, linear between changes, a step a vertical edge.
            if not clock.changes() and n != opts.clock:
                continue
            points = clock.offsets(model.start, model.run_end)
            ts = np.array([a for a, _ in points], dtype=float)
            offs = np.array([b / 1e6 for _, b in points])
            keep = slice(0, len(ts))
        else:   # a trace without clock_init: sampled from records' lt
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
