"""The session lanes of a timeline: per client with a session (any protocol
that records one: session_begin .. session_end on the core, session_state at
the client), in the resource lanes' visual language. The top row is what the
client believed of its session, like a belief: a solid bar in its colour
while safe, the same colour pale and cross-hatched while in jeopardy (its
local timeout passed; it waits for an answer), labelled with how it ended
when it was lost (beside a mark where it was lost, when the last state is
too short to hold the words). Beneath, hatched like a lease's core record, the core's
record of each session (begun -> expired or closed), stacked when an old
session is still on record after the client opened its next."""

from timeline_layout import CORE_H, SESSION_H
from timeline_style import JEOPARDY_COLOUR, MIN_LABEL_FRACTION


def draw_sessions(c, model, layout):
    ax, label, bars, xs, span = c.ax, c.label, c.bars, c.xs, c.span
    few = sum(len(v) for v in model.sessions.values()) <= 60
    for q in model.session_clients:
        view_top, core_top, nrows, rows, bottom = layout.session_layout[q]
        ax.axhspan(view_top - 0.12, bottom + 0.12, color="#f7f7f7", zorder=0, lw=0)
        colour = model.colour.get(q, "#7f7f7f")
        views = model.session_views[q]
        y, h = view_top + 0.04, SESSION_H - 0.08
        safe = [v for v in views if v[1] == "safe"]
        jeopardy = [v for v in views if v[1] != "safe"]
        sspans = xs([(a, b) for _, _, a, b, _ in safe])
        jspans = xs([(a, b) for _, _, a, b, _ in jeopardy])
        bars(sspans, y, h, [colour] * len(sspans), edgecolors="white", linewidths=0.6, zorder=3)
        bars(jspans, y, h, [colour] * len(jspans), alpha=0.3, edgecolors=JEOPARDY_COLOUR,
             linewidths=0.8, hatch="xxx", zorder=3)
        for (session, state, _, _, lost), (xa, xb) in zip(safe + jeopardy, sspans + jspans):
            text = "session %d" % session if state == "safe" else "jeopardy"
            if lost is not None:
                why = "crashed" if lost == "crash" else "lost: %s" % lost
                if (xb - xa) >= 2.5 * MIN_LABEL_FRACTION * span:
                    text += " (%s)" % why
                else:
                    # Too short to say it inside (a state that ended as it
                    # began): a mark where the session was lost, the reason
                    # beside it.
                    ax.plot([xb], [y + h / 2], marker="|", ms=9, mew=1.6, color="#5a3d00",
                            zorder=6)
                    ax.text(xb, y + h / 2, " " + why, fontsize=6.5, color="#5a3d00",
                            ha="left", va="center", zorder=10, clip_on=True,
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none",
                                      alpha=0.8))
            label(xa, xb, y + h / 2, text, colour="white" if state == "safe" else "#5a3d00",
                  size=7, budget="res")
        core = model.sessions[q]
        if core:
            cspans = xs([(a, b) for _, a, b, _, _ in core])
            for (session, a, b, reason, ext), (xa, xb), row in zip(core, cspans, rows):
                yt = core_top + row * CORE_H
                bars([(xa, xb)], yt + 0.03, CORE_H - 0.06, [colour], alpha=0.45,
                     edgecolors=[colour], linewidths=0.8, hatch="////", zorder=3)
                if few:
                    label(xa, xb, yt + CORE_H / 2, "core: session %d%s" % (
                        session, " (%s)" % reason if reason else ""), colour="#222222",
                        size=6.5, budget="res")
        c.yticks += [view_top + SESSION_H / 2, core_top + CORE_H * nrows / 2]
        c.yticklabels += ["%s session" % q, "core record"]
