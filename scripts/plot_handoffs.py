#!/usr/bin/python3
"""Distributions of lease handoff gap, acquisition latency and unavailability
after a leader crash, across one run or many (docs/visualization.md).

    scripts/plot_handoffs.py INPUT... OUT.png [--title TEXT] [--log]
    (installed: leasesim-plot-handoffs INPUT... OUT.png; OUT may also be
    given as --out OUT; the old order OUT.png INPUT... still works)

Each INPUT is either
  * a JSONL trace (`leasesim run --trace FILE`): every sample of the run,
    computed with the checker's rules (the report's metrics), or
  * a results file of `leasesim explore` / `sweep` (JSON Lines, one line per
    seed): the per-seed medians (acquire_p50_ns, handoff_p50_ns,
    failover_p50_ns).
Traces are grouped by what their header records say ran: traces of one
scenario with the same protocol, preset and knobs (seeds apart) are one
series, labelled with the scenario, the preset and its overrides; traces
of different settings are separate series, so a comparison never pools
them. (A trace without a header, from leasesim 0.1, is a series of its
own.) Each explore results file is its own series, and so is each cell of a
sweep (labelled with its parameters).

Draws histograms (top) and CDFs (bottom), one column per metric, and prints
count / p50 / p90 / max of each series. The output format follows OUT's
extension: .png, .svg or .pdf.
"""

import argparse
import json
import os
import sys

# realpath: an installed command (PREFIX/bin/leasesim-plot-handoffs) may be a
# link to this file; the helper module sits next to the file itself.
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import leasesim_trace as lt  # noqa: E402

METRICS = [
    ("handoff", "handoff gap", "previous holder's belief ended -> next holder's began"),
    ("acquire", "acquisition latency", "want -> belief began"),
    ("failover", "unavailability after a leader crash", "leader crash -> new leader ready"),
]
RESULT_KEYS = {"handoff": "handoff_p50_ns", "acquire": "acquire_p50_ns",
               "failover": "failover_p50_ns"}
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#17becf"]


def kind_of(path):
    """'trace' or 'results', from the first non-blank line."""
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                first = json.loads(line)
            except ValueError:
                raise ValueError("%s: the first line is not JSON" % path)
            if isinstance(first, dict) and "k" in first and "t" in first:
                return "trace"
            if isinstance(first, dict) and (first.get("format") == "leasesim-results"
                                            or "sweep" in first):
                return "sweep"   # results format 2 (explore and sweep), or a 0.1 sweep file
            if isinstance(first, dict) and ("results" in first or "seed" in first):
                return "results"   # a leasesim 0.1 explore file
            raise ValueError("%s: neither a leasesim trace nor an explore/sweep results file"
                             % path)
    raise ValueError("%s: the file is empty" % path)


def cell_labels(header):
    """Cell index -> "name=value, ..." for a sweep header (the grid in row-major
    order, the last parameter varying fastest, as `leasesim sweep` numbers it)."""
    params = header.get("params") or []
    labels = [""]
    for p in params:
        labels = [(l + ", " if l else "") + "%s=%s" % (p.get("name"), v)
                  for l in labels for v in p.get("values", [])]
    return labels


def sweep_series(path):
    """One series per cell (an explore file has one, named after the file):
    the per-seed medians of its seeds."""
    rows = list(lt.read_jsonl_rows(path))
    labels = cell_labels(rows[0]) if rows else []
    if labels == [""]:
        labels = [os.path.basename(path)]
    cells = {}
    for row in rows:
        if "seed" not in row or "cell_index" not in row:
            continue   # header, cell or summary line
        values = cells.setdefault(row["cell_index"], {m: [] for m, _, _ in METRICS})
        for m, key in RESULT_KEYS.items():
            v = row.get(key)
            if isinstance(v, (int, float)):
                values[m].append(v)
    out = []
    for cell in sorted(cells):
        label = labels[cell] if cell < len(labels) else "cell %d" % cell
        out.append(("per-seed p50, %s" % label, cells[cell]))
    return out


def trace_label(tr, seeds):
    """"leader-crash, raft-lease, preset seed (3 seeds)" from the header."""
    if tr.header is None:
        return "all samples, %s" % os.path.basename(tr.path)
    n = len(seeds)
    which = ("seed %s" % seeds[0]) if n == 1 else "%d seeds" % n
    return "%s, %s (%s)" % (tr.header.get("scenario"), tr.setting(), which)


def load_series(paths):
    """[(label, {metric: [ns...]})]: one series per setting of the traces
    (scenario, protocol, preset, knobs), one per results file or sweep cell."""
    series = []
    groups = []        # [(key, first trace, seeds, pooled samples)] in input order
    by_key = {}
    for path in paths:
        if kind_of(path) == "trace":
            tr = lt.read_trace(path)
            samples = lt.metric_samples(tr)
            key = tr.config_key()
            if key is None or key not in by_key:
                group = (key, tr, [], {m: [] for m, _, _ in METRICS})
                groups.append(group)
                if key is not None:
                    by_key[key] = group
            group = by_key[key] if key is not None else groups[-1]
            if tr.header is not None:
                group[2].append(tr.header.get("seed"))
            for m in group[3]:
                group[3][m] += samples[m]
        elif kind_of(path) == "sweep":
            series += sweep_series(path)
        else:
            values = {m: [] for m, _, _ in METRICS}
            for row in lt.read_jsonl_rows(path):
                if "seed" not in row:
                    continue   # header or summary line
                for m, key in RESULT_KEYS.items():
                    v = row.get(key)
                    if isinstance(v, (int, float)):
                        values[m].append(v)
            series.append(("per-seed p50, %s" % os.path.basename(path), values))
    traces = [(trace_label(tr, seeds), pooled) for _, tr, seeds, pooled in groups]
    return traces + series


def default_title(paths):
    """"leasesim: handoffs, acquisition and failover" and the scenarios the
    traces name."""
    names = []
    for path in paths:
        try:
            if kind_of(path) != "trace":
                continue
            with open(path, "r", encoding="utf-8") as f:
                first = json.loads(f.readline())
        except (OSError, ValueError):
            continue
        if first.get("k") == "header" and first.get("scenario") not in names:
            names.append(first.get("scenario"))
    base = "leasesim: handoffs, acquisition and failover"
    return base + (" (%s)" % ", ".join(names) if names else "")


def summary(series):
    out = []
    for label, values in series:
        out.append(label)
        for m, title, _ in METRICS:
            v = values[m]
            if v:
                out.append("  %-36s n=%-6d p50 %-9s p90 %-9s max %s" % (
                    title, len(v), lt.fmt_duration(lt.percentile(v, 50)),
                    lt.fmt_duration(lt.percentile(v, 90)), lt.fmt_duration(max(v))))
            else:
                out.append("  %-36s n=0" % title)
    return "\n".join(out)


def draw(series, out, title, log):
    import matplotlib
    if not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401
    import numpy as np

    fig, axes = plt.subplots(2, len(METRICS), figsize=(14, 6.5), squeeze=False, sharex="col")
    for col, (m, name, meaning) in enumerate(METRICS):
        hist, cdf = axes[0][col], axes[1][col]
        everything = [x for _, values in series for x in values[m]]
        unit, scale = unit_for(everything)
        any_data = False
        for i, (label, values) in enumerate(series):
            v = np.asarray(values[m], dtype=float) / scale
            if v.size == 0:
                continue
            any_data = True
            colour = COLOURS[i % len(COLOURS)]
            lo, hi = float(v.min()), float(v.max())
            if hi <= lo:   # one value (e.g. one failover): a narrow bar around it
                lo, hi = (lo * 0.8, hi * 1.25) if lo > 0 else (lo - 1, hi + 1)
            if log and lo > 0:
                bins = np.logspace(np.log10(lo), np.log10(hi), 40)
            else:
                bins = np.linspace(lo, hi, 41)
            hist.hist(v, bins=bins, color=colour, alpha=0.55, label="%s (n=%d)" % (label, v.size))
            xs = np.sort(v)
            cdf.step(xs, np.arange(1, xs.size + 1) / xs.size, where="post", color=colour,
                     lw=1.6, label=label, marker="o" if xs.size <= 30 else None, ms=3)
            p50 = lt.percentile(list(v), 50)
            cdf.axvline(p50, color=colour, ls=":", lw=1)
        hist.set_title("%s\n(%s)" % (name, meaning), fontsize=9.5)
        if not any_data:
            for ax in (hist, cdf):
                ax.text(0.5, 0.5, "no samples", ha="center", va="center",
                        transform=ax.transAxes, color="#888888")
        else:
            hist.legend(fontsize=7, frameon=False)
        if log and any_data and min(everything) > 0:
            plain = matplotlib.ticker.FuncFormatter(lambda x, _: "%g" % x)
            for ax in (hist, cdf):
                ax.set_xscale("log")
                ax.xaxis.set_major_formatter(plain)
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        hist.set_ylabel("count", fontsize=8)
        cdf.set_ylabel("fraction <= x", fontsize=8)
        cdf.set_ylim(0, 1.02)
        cdf.set_xlabel(unit, fontsize=8)
        cdf.grid(color="#e5e5e5", lw=0.6)
        for ax in (hist, cdf):
            ax.tick_params(labelsize=7)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    lt.save_atomically(fig, out, dpi=110)
    plt.close(fig)


def unit_for(values):
    top = max(values) if values else 0
    if top >= 10 * lt.NS_PER_S:
        return "seconds", float(lt.NS_PER_S)
    if top >= 10_000_000:
        return "milliseconds", 1e6
    return "microseconds", 1e3


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Histograms and CDFs of handoff gap, acquisition latency and failover "
                    "across leasesim traces or explore/sweep results files.")
    ap.add_argument("paths", nargs="+", metavar="INPUT... OUT",
                    help="JSONL traces and/or explore/sweep results files, then the picture to "
                    "write (.png, .svg or .pdf)")
    ap.add_argument("-o", "--out", dest="out_opt", metavar="OUT",
                    help="the picture, instead of the last argument")
    ap.add_argument("--title", help="figure title")
    ap.add_argument("--log", action="store_true", help="logarithmic x axes")
    args = ap.parse_args(argv)
    try:
        args.inputs, args.out, note = lt.inputs_and_output(args.paths, args.out_opt,
                                                           old_out_first=True)
    except ValueError as e:
        print("plot_handoffs.py: %s" % e, file=sys.stderr)
        return 2
    if note:
        print("plot_handoffs.py: %s" % note, file=sys.stderr)
    if os.path.splitext(args.out)[1].lower() not in (".png", ".svg", ".pdf"):
        print("plot_handoffs.py: %s: the output must end in .png, .svg or .pdf" % args.out,
              file=sys.stderr)
        return 2
    try:
        series = load_series(args.inputs)
    except (OSError, ValueError) as e:
        print("plot_handoffs.py: %s" % e, file=sys.stderr)
        return 2
    print(summary(series))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(lt.matplotlib_missing("plot_handoffs.py"), file=sys.stderr)
        return 2
    try:
        draw(series, args.out, args.title or default_title(args.inputs), args.log)
    except OSError as e:
        print("plot_handoffs.py: cannot write %s: %s" % (args.out, e), file=sys.stderr)
        return 2
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
