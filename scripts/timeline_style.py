"""The timeline's colours and limits (plot_timeline.py). No matplotlib."""

# Colours: requestors get the qualitative palette minus red (reserved for
# violations) and grey (used for followers).
REQUESTOR_COLOURS = [
    "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2",
    "#bcbd22", "#393b79", "#637939", "#8c6d31", "#7b4173", "#3182bd", "#31a354",
    "#e6550d", "#756bb1", "#636363", "#6baed6", "#74c476", "#fd8d3c",
]
ROLE_COLOURS = {"follower": "#dcdcdc", "candidate": "#f2c14e", "leader": "#2c3e50"}
VIOLATION_RED = "#d62728"
PAUSE_COLOUR = "#e67e22"
ISOLATE_COLOUR = "#8e44ad"
PARTITION_COLOUR = "#9b59b6"
CLOCK_COLOUR = "#16a085"
NET_COLOUR = "#f1c40f"
JEOPARDY_COLOUR = "#b9770e"   # the edge of a session in jeopardy

MAX_WRITE_TICKS = 4000      # more writes in the window: a histogram per resource
MAX_LABELS = 300            # text labels inside bars, at most
MAX_VIOLATION_TEXTS = 8     # violations written out beneath the chart, at most
TEXT_LINE = 0.17            # inches per line of those texts
MIN_LABEL_FRACTION = 0.035  # a bar gets a label if at least this share of the width
HIST_BINS = 300
