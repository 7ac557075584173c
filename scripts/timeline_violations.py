"""Violations on a timeline: a red box over each one's interval (dashed for
a warning) across its resource's lane, or across the servers for a run-wide
one; an instant (a stale write) is a red stroke. Each is labelled with its
number in the text report (the same in a window) and its kind, in the first
of three label rows where the text fits, failures before warnings."""

import matplotlib.patches

from timeline_layout import LABEL_ROW, WRITE_H
from timeline_style import VIOLATION_RED


def draw_violations(c, model, opts, layout):
    ax, X, x0, span = c.ax, c.X, c.x0, c.span
    res_layout, label_rows = layout.res_layout, layout.label_rows
    server_top, total_h = layout.server_top, layout.total_h
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
    for v in model.violations:
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
        # The report's number, where the text beneath tells it.
        tag = "[%d] " % v.report_number if v.report_number in model.told_numbers else ""
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
