"""Reads a leasesim JSONL trace (docs/trace-format.md) into plain data.

Shared by plot_timeline.py, plot_handoffs.py and the script tests. Standard
library only, so it runs on Debian's /usr/bin/python3 without extras.

What the checker judged is taken from the checker's own records, never
re-derived: believed holdings from `belief_interval` records (one per holding
segment of a belief, as the checker finalised it) and violations from
`violation` records (written once settled, so their intervals are final) with
their `violation_detail` records. So a picture drawn from this data cannot
disagree with the report; violation_summary() words each violation exactly as
the report does.
The core's record of a lease is `lease_granted` .. `lease_freed` (or the end
of the run); the core's record of a client's session is `session_begin` ..
`session_end`, and the client's view of it its `session_state` records. A committed change can be recorded twice (a new leader applies
an entry its dead predecessor already recorded); such records carry the same
log `index` and only the first is kept (docs/trace-format.md).

Times are integer nanoseconds of true time, as in the trace.

This module is the one to import (`import leasesim_trace`); it gathers the
modules beside it, one concept each:
  trace_records.py  Trace, Belief, CoreLease, CoreSession, SessionView,
                    Violation, Span
  trace_reader.py   read_trace
  trace_beliefs.py  BeliefInstance: a belief as a whole, with its segments
  trace_summary.py  violation_summary: the report's words for a violation
  trace_metrics.py  metric_samples, percentile
  trace_units.py    NS_PER_S, durations and instants written and parsed
  plot_io.py        what the plot scripts share: arguments, saving, JSONL rows
"""

import os
import sys

# The modules live beside this file; a caller that loaded it by path (not
# through sys.path) still finds them.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.append(_HERE)

from plot_io import (IMAGE_EXTENSIONS, bounded_number, check_writable,  # noqa: E402
                     inputs_and_output, is_image, matplotlib_missing, read_jsonl_rows,
                     save_atomically)
from trace_beliefs import BeliefInstance  # noqa: E402
from trace_metrics import metric_samples, percentile  # noqa: E402
from trace_reader import read_trace  # noqa: E402
from trace_records import (Belief, CoreLease, CoreSession, SessionView, Span,  # noqa: E402
                           Trace, Violation)
from trace_summary import violation_summary  # noqa: E402
from trace_units import (NS_PER_S, fmt_duration, fmt_duration_short, fmt_instant,  # noqa: E402
                         fmt_ppm, fmt_signed, natural_key, parse_duration)

__all__ = [
    "Belief", "BeliefInstance", "CoreLease", "CoreSession", "IMAGE_EXTENSIONS", "SessionView", "NS_PER_S", "Span", "Trace",
    "Violation", "fmt_duration", "fmt_duration_short", "fmt_instant", "fmt_ppm", "fmt_signed",
    "inputs_and_output", "is_image", "matplotlib_missing", "metric_samples", "natural_key",
    "parse_duration", "percentile", "read_jsonl_rows", "read_trace", "save_atomically",
    "violation_summary",
]
