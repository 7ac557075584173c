#!/usr/bin/python3
"""Heatmaps and line plots of a `leasesim sweep` results file
(docs/exploration.md, "sweep").

    scripts/plot_sweep.py SWEEP.jsonl OUT.png [--metric M] [--x PARAM]
                          [--series PARAM] [--where PARAM=VALUE]... [--kind K]
                          [--title TEXT] [--log]
    (installed: leasesim-plot-sweep SWEEP.jsonl OUT.png ...; OUT may also be
    given as --out OUT)

Reads the cell lines of the file (one per parameter combination) and plots
one metric (default: violation_rate):

  * one parameter varies: a line over it, with the 95% confidence interval
    of the violation rate as error bars;
  * two vary: a heatmap (rows: the first parameter, columns: the second),
    each cell annotated; or, with --kind line (or --x / --series), one line
    per value of the series parameter. A `protocol` parameter is the series
    by default, so a protocol comparison draws as lines side by side;
  * more vary: fix the others with --where PARAM=VALUE.

Numeric values and durations ("2s", "500ms") make a numeric x axis (--log
for a logarithmic one); other values are categories in sweep order.
Latencies (*_ns metrics) are plotted in milliseconds. The output format
follows OUT's extension: .png, .svg or .pdf. Exit 2 on bad input.
"""

import argparse
import json
import os
import re
import sys
import textwrap

# realpath: an installed command (PREFIX/bin/leasesim-plot-sweep) may be a
# link to this file; the helper module sits next to the file itself.
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import leasesim_trace as lt  # noqa: E402

METRICS = {
    "violation_rate": "violation rate",
    "availability_mean": "availability (mean over runs)",
    "acquire_p50_ns": "acquisition latency p50 (ms)",
    "acquire_p99_ns": "acquisition latency p99 (ms)",
    "handoff_p50_ns": "handoff gap p50 (ms)",
    "handoff_p99_ns": "handoff gap p99 (ms)",
    "failover_p50_ns": "failover p50 (ms)",
    "failover_p99_ns": "failover p99 (ms)",
    "grants_mean": "grants per run (mean)",
    "elections_mean": "elections per run (mean)",
    "messages_per_held_s": "messages per holder-second",
}
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$")


class InputError(Exception):
    pass


def read_sweep(path):
    """(header, cells) of a results file; cells are the parsed cell lines."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror))
    try:
        header = json.loads(lines[0])
    except ValueError:
        header = None
    # Results format 2 (explore and sweep alike), or a sweep file of format 1
    # (leasesim 0.1): their cell lines have the same shape.
    if not isinstance(header, dict) or not (header.get("format") == "leasesim-results"
                                            or "sweep" in header):
        raise InputError("%s: not a leasesim sweep results file (the first line is not a "
                         "results header)" % path)
    if "scenarios" in header:
        # Several scenarios (results format 3): the scenario is one more
        # parameter, outermost, when they all vary the same parameters.
        scs = header["scenarios"]
        if any(sc["params"] != scs[0]["params"] for sc in scs):
            raise InputError("%s: its scenarios vary different parameters; plot it with "
                             "leasesim-plot-compare (scripts/plot_compare.py)" % path)
        header["params"] = [{"name": "scenario", "path": "scenario",
                             "values": [sc["scenario"] for sc in scs]}] + scs[0]["params"]
    cells = []
    for n, line in enumerate(lines[1:-1], 2):  # the last piece is "" or a cut-off line
        try:
            j = json.loads(line)
        except ValueError:
            raise InputError("%s: line %d: not JSON" % (path, n))
        if isinstance(j, dict) and isinstance(j.get("cell"), dict):
            cells.append(j)
    if not cells:
        raise InputError("%s: no finished cells (a shard file? merge the shards first)" % path)
    return header, cells


def number(v):
    """A float for numbers and durations, else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        m = DURATION.match(v)
        if m:
            return float(m.group(1)) * UNITS[m.group(2)]
    return None


def label(v):
    return v if isinstance(v, str) else json.dumps(v)


def parse_where(items, names):
    out = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or name not in names:
            raise InputError("--where: expected PARAM=VALUE with PARAM one of %s, found %r"
                             % (", ".join(names), item))
        try:
            out[name] = json.loads(value)
        except ValueError:
            out[name] = value
    return out


def metric_value(cell, metric):
    v = cell.get(metric)
    if v is None:
        return None
    return v / 1e6 if metric.endswith("_ns") else float(v)


def error_bar(cell, metric):
    if metric != "violation_rate" or "ci95" not in cell:
        return (0.0, 0.0)
    lo, hi = cell["ci95"]
    rate = cell["violation_rate"]
    return (max(0.0, rate - lo), max(0.0, hi - rate))


def plan(header, cells, args):
    """(kind, x, series) after filtering; raises InputError when ambiguous."""
    names = [p["name"] for p in header.get("params", [])]
    for p in (args.x, args.series):
        if p is not None and p not in names:
            raise InputError("unknown parameter %r (the sweep has: %s)"
                             % (p, ", ".join(names) or "none"))
    varying = [n for n in names if len({json.dumps(c["cell"][n]) for c in cells}) > 1]
    chosen = [p for p in (args.x, args.series) if p]
    rest = [n for n in varying if n not in chosen]
    if len(chosen) + len(rest) > 2:
        raise InputError("%d parameters vary (%s): fix all but two with --where PARAM=VALUE"
                         % (len(varying), ", ".join(varying)))
    kind = args.kind
    if kind == "auto":
        kind = "heatmap" if len(varying) == 2 and not chosen else "line"
    if kind == "heatmap":
        if len(varying) != 2:
            raise InputError("a heatmap needs exactly two varying parameters, found %d (%s)"
                             % (len(varying), ", ".join(varying) or "none"))
        return kind, varying[1], varying[0]  # columns, rows
    x, series = args.x, args.series
    free = [n for n in varying if n not in (x, series)]
    if series is None and x is None and len(free) == 2:
        # A protocol comparison: protocols as the series.
        proto = [n for n in free if n in ("protocol", "protocol.preset")]
        series = proto[0] if proto else free[1]
        free.remove(series)
    if x is None:
        x = free.pop(0) if free else (names[0] if names else None)
    if series is None and free:
        series = free.pop(0)
    if x is None:
        raise InputError("the sweep has no parameters to plot against")
    return kind, x, series


def ordered_values(header, name, cells):
    for p in header["params"]:
        if p["name"] == name:
            present = {json.dumps(c["cell"][name]) for c in cells}
            return [v for v in p["values"] if json.dumps(v) in present]
    return []


def draw(header, cells, args):
    import matplotlib
    if not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kind, x, series = plan(header, cells, args)
    metric = args.metric
    ylabel = METRICS[metric]
    title = args.title or "%s: %s" % (header.get("scenario", "sweep"), ylabel)
    key = lambda c, n: json.dumps(c["cell"][n])  # noqa: E731
    if kind == "heatmap":
        rows = ordered_values(header, series, cells)
        cols = ordered_values(header, x, cells)
        grid = [[float("nan")] * len(cols) for _ in rows]
        notes = [[""] * len(cols) for _ in rows]
        for c in cells:
            i = [json.dumps(v) for v in rows].index(key(c, series))
            j = [json.dumps(v) for v in cols].index(key(c, x))
            v = metric_value(c, metric)
            if v is not None:
                grid[i][j] = v
            if metric == "violation_rate":
                notes[i][j] = "%.1f%%\n%d/%d" % (100 * c["violation_rate"], c["violations"],
                                                 c["runs"])
            elif v is not None:
                notes[i][j] = "%.3g" % v
        fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(cols), 1.2 + 0.8 * len(rows)))
        cmap = "Reds" if metric == "violation_rate" else "viridis"
        im = ax.imshow(grid, cmap=cmap, aspect="auto",
                       vmin=0.0 if metric == "violation_rate" else None,
                       vmax=1.0 if metric in ("violation_rate", "availability_mean") else None)
        ax.set_xticks(range(len(cols)), [label(v) for v in cols])
        ax.set_yticks(range(len(rows)), [label(v) for v in rows])
        ax.set_xlabel(x)
        ax.set_ylabel(series)
        for i in range(len(rows)):
            for j in range(len(cols)):
                ax.text(j, i, notes[i][j], ha="center", va="center", fontsize=8)
        fig.colorbar(im, ax=ax, label=ylabel)
        summary = "heatmap of %s: rows %s, columns %s" % (metric, series, x)
    else:
        xs_all = ordered_values(header, x, cells)
        numeric = all(number(v) is not None for v in xs_all)
        groups = ordered_values(header, series, cells) if series else [None]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        n = max(1, len(groups))
        for gi, g in enumerate(groups):
            pts = [c for c in cells if series is None or key(c, series) == json.dumps(g)]
            pts.sort(key=lambda c: [json.dumps(v) for v in xs_all].index(key(c, x)))
            xs, ys, lo, hi = [], [], [], []
            for c in pts:
                v = metric_value(c, metric)
                if v is None:
                    continue
                pos = [json.dumps(v2) for v2 in xs_all].index(key(c, x))
                if numeric:
                    xs.append(number(c["cell"][x]))
                else:  # categories, nudged apart so error bars do not overlap
                    xs.append(pos + (gi - (n - 1) / 2) * 0.08)
                ys.append(v)
                e = error_bar(c, metric)
                lo.append(e[0])
                hi.append(e[1])
            name = "%s=%s" % (series, label(g)) if series else None
            ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=name)
        if numeric:
            if args.log:
                ax.set_xscale("log")
            ax.set_xticks([number(v) for v in xs_all], [label(v) for v in xs_all])
        else:
            ax.set_xticks(range(len(xs_all)), [label(v) for v in xs_all])
        ax.set_xlabel(x)
        ax.set_ylabel(ylabel)
        if metric == "violation_rate":
            ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        if series:
            ax.legend()
        summary = "line plot of %s over %s%s" % (metric, x,
                                                 " by %s" % series if series else "")
        if metric == "violation_rate":
            summary += " (error bars: 95% Wilson CI)"
    fit_title(fig, ax, title)
    lt.save_atomically(fig, args.out)
    plt.close(fig)
    return summary


def fit_title(fig, ax, title):
    """Sets the title and lays the figure out, wrapping the title until it
    fits across the figure: a heatmap of few columns is narrower than a long
    scenario name with its metric, and the title, centred over the axes
    (left of the colour bar), was cut off at the figure's edges."""
    ax.set_title(title)
    fig.tight_layout()
    width = len(title)
    while True:
        fig.canvas.draw()
        box = ax.title.get_window_extent()
        if (box.x0 >= 0 and box.x1 <= fig.bbox.width) or width <= 12:
            return
        width = max(12, int(width * 0.8))
        ax.set_title("\n".join(textwrap.wrap(title, width=width)))
        fig.tight_layout()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", metavar="SWEEP OUT",
                    help="results file of `leasesim sweep --out`, then the picture to write "
                    "(.png, .svg or .pdf)")
    ap.add_argument("-o", "--out", dest="out_opt", metavar="OUT",
                    help="the picture, instead of the last argument")
    ap.add_argument("--metric", default="violation_rate", choices=sorted(METRICS))
    ap.add_argument("--x", help="parameter on the x axis (line plots) or columns (heatmap)")
    ap.add_argument("--series", help="parameter drawn as separate lines (or heatmap rows)")
    ap.add_argument("--where", action="append", default=[], metavar="PARAM=VALUE",
                    help="keep only cells with this value (repeatable)")
    ap.add_argument("--kind", default="auto", choices=["auto", "heatmap", "line"])
    ap.add_argument("--title")
    ap.add_argument("--log", action="store_true", help="logarithmic x axis (numeric x only)")
    args = ap.parse_args(argv)
    try:
        try:
            inputs, args.out, _ = lt.inputs_and_output(args.paths, args.out_opt)
        except ValueError as e:
            raise InputError(str(e))
        if len(inputs) != 1:
            raise InputError("expected one sweep results file, found %d: %s"
                             % (len(inputs), " ".join(inputs)))
        args.sweep = inputs[0]
        if os.path.splitext(args.out)[1].lower() not in (".png", ".svg", ".pdf"):
            raise InputError("%s: the output must end in .png, .svg or .pdf" % args.out)
        try:
            lt.check_writable(args.out)
        except ValueError as e:
            raise InputError(str(e))
        header, cells = read_sweep(args.sweep)
        names = [p["name"] for p in header.get("params", [])]
        where = parse_where(args.where, names)
        cells = [c for c in cells
                 if all(json.dumps(c["cell"].get(k)) == json.dumps(v) for k, v in where.items())]
        if not cells:
            raise InputError("no cell matches %s" % " ".join(args.where))
        if args.kind == "heatmap" and (args.x or args.series):
            raise InputError("--x and --series are for line plots; a heatmap uses the two "
                             "varying parameters")
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print(lt.matplotlib_missing("plot_sweep.py"), file=sys.stderr)
            return 2
        summary = draw(header, cells, args)
    except InputError as e:
        print("plot_sweep.py: %s" % e, file=sys.stderr)
        return 2
    except OSError as e:
        print("plot_sweep.py: cannot write %s: %s" % (args.out, e), file=sys.stderr)
        return 2
    print("wrote %s (%s, %d cell(s))" % (args.out, summary, len(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
