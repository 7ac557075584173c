#!/usr/bin/python3
"""Draws a leasesim run as a timeline (docs/visualization.md).

    scripts/plot_timeline.py TRACE.jsonl OUT.png [--from 10s] [--to 20s]
        [--resources db,cache] [--nodes n1,n2,alice] [--title TEXT]
        [--clock NODE]
    (installed: leasesim-plot-timeline TRACE.jsonl OUT.png ...; OUT may also
    be given as --out OUT)

TRACE is a JSONL trace from `leasesim run --trace FILE` (or --out DIR). The
output format follows OUT's extension: .png, .svg or .pdf. The picture is
titled from the trace's header record (scenario, seed, protocol, preset and
knob overrides) unless --title says otherwise.

Top to bottom:
  * one lane per resource: what each holder believed (a bar per belief, one
    colour per requestor, overlapping beliefs stacked), a strip of storage
    writes (ticks in the writer's colour; x = rejected), and beneath them the
    core's record of the lease (lease_granted -> lease_freed), so a gap between
    belief and record shows. Violations are red boxes over their interval.
  * one lane per client with a session (protocols whose clients hold one):
    the client's view of its session (solid while safe,
    cross-hatched in jeopardy, how it was lost) over the core's record of it
    (session_begin -> session_end).
  * one lane per server: follower / candidate / leader (with its term), and
    its faults: crashed, paused, isolated, cut off by a partition, clock steps.
  * requestors (or storage) with faults get a lane of their own.
  * messages sent and dropped per second; clock offsets when any clock is off.

Beliefs and violations are the checker's own records (belief_interval, one per
holding segment of a belief; violation and violation_detail), so the picture
shows exactly what the checker judged. Each violation in the window is
numbered on the chart, and beneath the chart the first few are written out in
the words of the report (leasesim_trace.violation_summary).

Large traces: bars are drawn as collections; writes and messages become
histograms when there are too many to draw one by one; at most --max-lanes
resources are shown (the busiest), so a million-record trace plots in seconds.

The picture is drawn by the modules beside this script, one part each:
timeline_model.py (what is shown, no matplotlib), timeline_layout.py (where
the lanes go), timeline_draw.py (the figure, part by part: timeline_lanes.py,
timeline_sessions.py, timeline_violations.py, timeline_nodes.py, timeline_panels.py,
timeline_legend.py, on timeline_canvas.py), timeline_titles.py and
timeline_style.py (colours and limits).
"""

import argparse
import os
import sys

# realpath: an installed command (PREFIX/bin/leasesim-plot-timeline) may be a
# link to this file; the helper modules sit next to the file itself.
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import leasesim_trace as lt  # noqa: E402
# What this script offers its importers (the tests, users' notebooks).
from timeline_draw import draw  # noqa: E402,F401
from timeline_model import Model, Options, make_transform  # noqa: E402,F401
from timeline_style import (CLOCK_COLOUR, HIST_BINS, ISOLATE_COLOUR,  # noqa: E402,F401
                            MAX_LABELS, MAX_VIOLATION_TEXTS, MAX_WRITE_TICKS,
                            MIN_LABEL_FRACTION, NET_COLOUR, PARTITION_COLOUR, PAUSE_COLOUR,
                            REQUESTOR_COLOURS, ROLE_COLOURS, TEXT_LINE, VIOLATION_RED)
from timeline_titles import fmt_s, fmt_short, titles  # noqa: E402,F401

NS = lt.NS_PER_S


def split_list(text):
    return [p for p in (x.strip() for x in text.split(",")) if p] if text else None


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Draw a leasesim JSONL trace as a timeline (PNG, SVG or PDF by extension).")
    ap.add_argument("paths", nargs="+", metavar="TRACE OUT",
                    help="the JSONL trace from `leasesim run --trace FILE`, then the picture "
                    "to write (.png, .svg or .pdf)")
    ap.add_argument("-o", "--out", dest="out_opt", metavar="OUT",
                    help="the picture, instead of the last argument")
    ap.add_argument("--from", dest="start", help="start of the window (e.g. 10s)")
    ap.add_argument("--to", dest="end", help="end of the window (e.g. 20s)")
    ap.add_argument("--resources", help="comma-separated resources to show (default: all, "
                    "or the busiest --max-lanes)")
    ap.add_argument("--nodes", help="comma-separated nodes to show (default: servers and "
                    "nodes with faults)")
    ap.add_argument("--title", help="figure title")
    ap.add_argument("--clock", metavar="NODE",
                    help="draw against NODE's wall clock instead of true time (shows drift)")
    ap.add_argument("--max-lanes", default=20,
                    type=lt.bounded_number(int, 0, 100000, "a whole number of lanes, 1 or more"),
                    help="most resource lanes to draw (default 20)")
    ap.add_argument("--width", default=14.0,
                    type=lt.bounded_number(float, 0, 200, "a width in inches above 0, at most 200"),
                    help="figure width in inches (default 14)")
    args = ap.parse_args(argv)
    try:
        inputs, args.out, _ = lt.inputs_and_output(args.paths, args.out_opt)
        if len(inputs) != 1:
            raise ValueError("expected one trace, found %d: %s" % (len(inputs), " ".join(inputs)))
    except ValueError as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    args.trace = inputs[0]

    ext = os.path.splitext(args.out)[1].lower()
    if ext not in (".png", ".svg", ".pdf"):
        print("plot_timeline.py: %s: the output must end in .png, .svg or .pdf" % args.out,
              file=sys.stderr)
        return 2
    try:
        start = lt.parse_duration(args.start) if args.start else None
        end = lt.parse_duration(args.end) if args.end else None
    except ValueError as e:
        print("plot_timeline.py: --from/--to: %s" % e, file=sys.stderr)
        return 2
    opts = Options(start, end, split_list(args.resources), split_list(args.nodes), args.title,
                   args.clock, args.max_lanes, args.width)
    try:
        lt.check_writable(args.out)
        tr = lt.read_trace(args.trace)
    except (OSError, ValueError) as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    tr.path = args.trace
    if tr.records == 0:
        print("plot_timeline.py: %s: the trace is empty" % args.trace, file=sys.stderr)
        return 2
    if opts.clock and opts.clock not in tr.clock and opts.clock not in tr.clocks:
        print("plot_timeline.py: --clock: no records of node %s in %s" % (opts.clock, args.trace),
              file=sys.stderr)
        return 2
    try:
        model = Model(tr, opts)
    except ValueError as e:
        print("plot_timeline.py: %s" % e, file=sys.stderr)
        return 2
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(lt.matplotlib_missing("plot_timeline.py"), file=sys.stderr)
        return 2
    try:
        draw(model, opts, args.out)
    except OSError as e:
        print("plot_timeline.py: cannot write %s: %s" % (args.out, e), file=sys.stderr)
        return 2
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
