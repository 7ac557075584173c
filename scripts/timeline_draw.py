"""draw(): a timeline Model (timeline_model.py) to a picture. Sets up
matplotlib, lays out the lanes (timeline_layout.py) and the panels, and has
each part drawn in turn; the order is the drawing order of marks at equal
zorder, so it is part of the picture."""

import os
import textwrap

import leasesim_trace as lt
from timeline_layout import Layout
from timeline_model import make_transform
from timeline_style import TEXT_LINE


def draw(model, opts, out_path):
    import matplotlib
    if not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    # The parts import matplotlib's pieces at their top: only once the
    # backend is chosen, and never when a model is only built.
    from timeline_canvas import Canvas
    from timeline_lanes import draw_resources
    from timeline_legend import draw_legend, draw_texts
    from timeline_nodes import draw_nodes
    from timeline_panels import draw_clocks, draw_network
    from timeline_sessions import draw_sessions
    from timeline_violations import draw_violations

    tr = model.trace
    X = make_transform(tr, opts.clock)
    x0, x1 = float(X(model.start)), float(X(model.end))
    if x1 <= x0:
        x1 = x0 + 1e-9

    layout = Layout(model)
    total_h = layout.total_h

    has_offsets = (any(c.changes() for c in tr.clocks.values()) or
                   any(any(lt_ != t for t, lt_ in tr.clock.get(n, [])) for n in tr.clock))
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

    c = Canvas(ax, X, x0, x1)
    draw_resources(c, model, layout)
    draw_sessions(c, model, layout)
    # Violations over the resource lanes; run-wide ones over the servers.
    draw_violations(c, model, opts, layout)
    draw_nodes(c, model, layout)
    c.finish()

    draw_network(axes[1], model, X, x0, x1)
    if len(axes) > 2:
        draw_clocks(axes[2], model, opts, X)
    axes[-1].set_xlabel("%s (s)" % ("true time" if opts.clock is None
                                    else "%s's wall clock" % opts.clock))

    draw_legend(fig, model, fig_h)
    draw_texts(fig, model, opts, texts, text_h, fig_h)
    lt.save_atomically(fig, out_path, dpi=110)
    plt.close(fig)
