#!/usr/bin/python3
"""Protocols side by side from a `leasesim sweep` results file
(docs/protocols.md, "Comparing the families").

    scripts/plot_compare.py RESULTS.jsonl OUT.png [--title TEXT]
    (installed: leasesim-plot-compare RESULTS.jsonl OUT.png ...; OUT may also
    be given as --out OUT)

One row per cell (a protocol and preset, or whatever the sweep varied),
grouped and coloured by protocol, in three panels that share the rows:

  * the violation rate with its 95% Wilson interval (the cell line's ci95),
    on a scale linear below 1% and logarithmic above, so 0 of 1,000 and
    100% both read;
  * the mean availability (held / (held + wanted and free));
  * messages per holder-second: every message the run sent (core
    replication and heartbeats included) divided by the time the resources
    were held, summed over the cell's runs (results format 3; a version-2
    file has no such column and the panel says so).

Also prints the same numbers as a markdown table on stdout. The output
format follows OUT's extension: .png, .svg or .pdf. Exit 2 on bad input.
"""

import argparse
import json
import os
import sys

# realpath: an installed command may be a link to this file; the helper
# module sits next to the file itself.
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import plot_io  # noqa: E402

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


class InputError(Exception):
    pass


def read_cells(path):
    """(header, cells) of a results file; cells are its cell lines, each with
    the protocol and preset of its settings added as "_protocol"/"_preset"."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror))
    try:
        header = json.loads(lines[0])
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != "leasesim-results":
        raise InputError("%s: not a leasesim results file (the first line is not a results "
                         "header)" % path)
    settings, index = header.get("settings", []), header.get("cell_settings", [])
    cells = []
    for n, line in enumerate(lines[1:-1], 2):  # the last piece is "" or a cut-off line
        try:
            j = json.loads(line)
        except ValueError:
            raise InputError("%s: line %d: not JSON" % (path, n))
        if not (isinstance(j, dict) and j.get("type") == "cell"):
            continue
        i = j.get("cell_index", 0)
        s = settings[index[i]] if i < len(index) and index[i] < len(settings) else {}
        j["_protocol"] = s.get("name", "?")
        j["_preset"] = s.get("preset", "?")
        cells.append(j)
    if not cells:
        raise InputError("%s: no finished cells (a shard file? merge the shards first)" % path)
    return header, cells


def label(cell):
    """"kv-lease wall-clock", plus any swept value that is not the preset."""
    extra = [("%s=%s" % (k, v if isinstance(v, str) else json.dumps(v)))
             for k, v in cell["cell"].items()
             if k not in ("scenario", "protocol", "protocol.preset", "protocol.name")]
    return " ".join([cell["_protocol"], cell["_preset"]] + extra)


def pct(x):
    return "%.1f%%" % (100.0 * x)


def table(cells):
    rows = ["| protocol | preset | violating runs | rate | 95% CI | availability | "
            "messages per holder-second |",
            "|---|---|---|---|---|---|---|"]
    for c in cells:
        lo, hi = c["ci95"]
        mph = c.get("messages_per_held_s")
        rows.append("| %s | %s | %d / %d | %s | [%s, %s] | %.3f | %s |" % (
            c["_protocol"], label(c)[len(c["_protocol"]) + 1:], c["violations"], c["runs"],
            pct(c["violation_rate"]), pct(lo), pct(hi), c["availability_mean"],
            "-" if mph is None else "%.1f" % mph))
    return "\n".join(rows)


def plot(cells, out, title):
    import matplotlib
    if not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    protocols = []
    for c in cells:
        if c["_protocol"] not in protocols:
            protocols.append(c["_protocol"])
    colour = {p: COLOURS[i % len(COLOURS)] for i, p in enumerate(protocols)}
    ys = list(range(len(cells)))[::-1]  # the first cell on top
    colours = [colour[c["_protocol"]] for c in cells]
    fig, axes = plt.subplots(1, 3, sharey=True, figsize=(13, 1.2 + 0.42 * len(cells)),
                             gridspec_kw={"width_ratios": [1.4, 1, 1]})

    ax = axes[0]
    rates = [100.0 * c["violation_rate"] for c in cells]
    lo = [r - 100.0 * c["ci95"][0] for r, c in zip(rates, cells)]
    hi = [100.0 * c["ci95"][1] - r for r, c in zip(rates, cells)]
    ax.barh(ys, rates, color=colours, alpha=0.75)
    ax.errorbar(rates, ys, xerr=[lo, hi], fmt="none", ecolor="black", capsize=3, lw=1)
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(0, 100)
    ax.set_xlabel("violating runs (%), 95% Wilson interval")
    for y, c in zip(ys, cells):
        ax.annotate("%d/%d" % (c["violations"], c["runs"]), (100.0 * c["ci95"][1], y),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)

    ax = axes[1]
    avail = [c["availability_mean"] for c in cells]
    ax.barh(ys, avail, color=colours, alpha=0.75)
    ax.set_xlim(min(avail + [0.8]) - 0.05, 1.0)
    ax.set_xlabel("availability (mean over runs)")

    ax = axes[2]
    mph = [c.get("messages_per_held_s") for c in cells]
    if all(m is None for m in mph):
        ax.text(0.5, 0.5, "no message counts\n(results format 2)", ha="center", va="center",
                transform=ax.transAxes)
    else:
        ax.barh(ys, [m or 0 for m in mph], color=colours, alpha=0.75)
        for y, m in zip(ys, mph):
            if m is not None:
                ax.annotate("%.0f" % m, (m, y), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=7)
    ax.set_xlabel("messages per holder-second")

    axes[0].set_yticks(ys)
    axes[0].set_yticklabels([label(c) for c in cells], fontsize=8)
    for a in axes:
        a.grid(axis="x", alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    plot_io.save_atomically(fig, out, dpi=110)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="plot_compare.py",
        description="Protocols side by side (violation rate with 95% intervals, availability, "
                    "messages per holder-second) from a leasesim sweep results file.")
    ap.add_argument("paths", nargs="+", metavar="RESULTS.jsonl OUT.png")
    ap.add_argument("--out", help="the image to write (instead of a second argument)")
    ap.add_argument("--title", help="the figure's title")
    args = ap.parse_args(argv)
    try:
        inputs, out, _ = plot_io.inputs_and_output(args.paths, args.out)
        if len(inputs) != 1:
            raise InputError("expected one results file, found %d" % len(inputs))
        plot_io.check_writable(out)
        header, cells = read_cells(inputs[0])
    except (InputError, ValueError) as e:
        print("plot_compare.py: %s" % e, file=sys.stderr)
        return 2
    print(table(cells))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(plot_io.matplotlib_missing("plot_compare.py"), file=sys.stderr)
        return 2
    runs = cells[0]["runs"]
    title = args.title or ("%d cell(s) x %d seed(s), seeds %s, the same random faults in every "
                           "cell" % (len(cells), runs, header.get("seeds", "?")))
    try:
        plot(cells, out, title)
    except OSError as e:
        print("plot_compare.py: cannot write %s: %s" % (out, e), file=sys.stderr)
        return 2
    print("wrote %s (%d cell(s))" % (out, len(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
