"""The timeline's frame: the legend (only what the picture shows, read row
by row), the title and subtitle, the key to the marks, and the violations
written out beneath the chart in the report's words."""

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from timeline_style import (CLOCK_COLOUR, JEOPARDY_COLOUR, PARTITION_COLOUR, PAUSE_COLOUR,
                            ROLE_COLOURS, TEXT_LINE, VIOLATION_RED)
from timeline_titles import titles


def shown_marks(model):
    """The legend's entries: the requestors with a bar in the picture, then
    the kinds of mark drawn in its window on its lanes, in legend order."""
    tr = model.trace
    s, e = model.start, model.end
    nodes = set(model.servers) | set(model.others)
    shown_req = [q for q in tr.requestors if any(h == q for bs in model.beliefs.values()
                                                 for h, _, _, _ in bs)
                 or q in model.session_clients]
    marks = []
    if any(model.core.values()) or any(model.sessions.values()):
        marks.append("core record")
    if any(state != "safe" and b > a for vs in model.session_views.values()
           for _, state, a, b, _ in vs):
        marks.append("session in jeopardy")
    roles = {role for n in model.servers for a, b, role, _ in model.role_spans(n)
             if a < e and b > s and b > a}
    marks += [role for role in ("leader", "candidate", "follower") if role in roles]

    def spans(*kinds):
        return any(sp.kind in kinds and sp.start <= e and sp.end >= s and
                   (sp.node in nodes or sp.node is None) for sp in model.spans)

    def instants(*kinds):
        return any(k in kinds and s <= t <= e and n in nodes for t, n, k, _ in tr.instants)
    if spans("down"):
        marks.append("crashed")
    if instants("crash"):
        marks.append("crash")
    if instants("restart"):
        marks.append("restart")
    if spans("pause"):
        marks.append("paused")
    if spans("isolate", "partition", "cut"):
        marks.append("cut off")
    if instants("clock_step", "drift"):
        marks.append("clock change")
    if model.violations:
        marks.append("violation")
    return shown_req, marks


def draw_legend(fig, model, fig_h):
    # Only what the picture shows: its window, its lanes.
    handles = []
    shown_req, marks = shown_marks(model)
    for q in shown_req[:12]:
        handles.append(Patch(facecolor=model.colour[q], label=q))
    if len(shown_req) > 12:
        handles.append(Patch(facecolor="white", edgecolor="white",
                             label="+%d more" % (len(shown_req) - 12)))
    style = {
        "core record": lambda: Patch(facecolor="#bbbbbb", alpha=0.45, hatch="////",
                                     edgecolor="#777777", label="core record"),
        "session in jeopardy": lambda: Patch(facecolor="#bbbbbb", alpha=0.3, hatch="xxx",
                                             edgecolor=JEOPARDY_COLOUR,
                                             label="session in jeopardy"),
        "crashed": lambda: Patch(facecolor="white", edgecolor="#444444", hatch="xx",
                                 label="crashed"),
        "crash": lambda: Line2D([], [], marker="X", color="w", markerfacecolor=VIOLATION_RED,
                                markeredgecolor="black", ms=8, label="crash"),
        "restart": lambda: Line2D([], [], marker="^", color="w", markerfacecolor="#27ae60",
                                  markeredgecolor="black", ms=7, label="restart"),
        "paused": lambda: Patch(facecolor="#fdebd0", edgecolor=PAUSE_COLOUR,
                                hatch="\\\\\\", label="paused"),
        "cut off": lambda: Patch(facecolor="white", edgecolor=PARTITION_COLOUR, hatch="...",
                                 label="cut off"),
        "clock change": lambda: Line2D([], [], marker="D", color="w",
                                       markerfacecolor=CLOCK_COLOUR, markeredgecolor="black",
                                       ms=6, label="clock change"),
        "violation": lambda: Patch(facecolor=VIOLATION_RED, alpha=0.3, edgecolor=VIOLATION_RED,
                                   label="violation"),
    }
    for m in marks:
        handles.append(style[m]() if m in style else Patch(facecolor=ROLE_COLOURS[m], label=m))
    if not handles:
        return
    ncol = min(len(handles), 10)
    nrow = -(-len(handles) // ncol)
    # matplotlib fills legend columns first; reorder so it reads row by row.
    grid = [handles[i * ncol:(i + 1) * ncol] for i in range(nrow)]
    handles = [grid[r][c] for c in range(ncol) for r in range(nrow) if c < len(grid[r])]
    fig.legend(handles=handles, loc="upper center", ncol=ncol, fontsize=7.5,
               frameon=False, bbox_to_anchor=(0.5, 1 - 0.55 / fig_h))


def draw_texts(fig, model, opts, texts, text_h, fig_h):
    """Title, subtitle, the key to the marks and the violation texts; then
    the margins that leave them room."""
    tr = model.trace
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
    if model.session_clients:
        fig.text(0.01, 0.25 / fig_h,
                 "Sessions: what the client believed of its session (solid: safe, "
                 "cross-hatched: jeopardy, and how it was lost) over the core's record of it "
                 "(hatched: begun -> expired or closed).",
                 fontsize=7, color="#777777", ha="left", va="bottom")
    for i, text in enumerate(texts):
        fig.text(0.01, (0.12 + 0.25 + text_h - TEXT_LINE * (i + 1)) / fig_h, text,
                 fontsize=7.5, color=VIOLATION_RED, ha="left", va="bottom")
    fig.subplots_adjust(left=0.09, right=0.985, top=1 - 1.0 / fig_h,
                        bottom=(0.75 + text_h) / fig_h)
