"""What a timeline says in words: its title and subtitle from the trace's
header (or --title), the verdict and the window; and the short time words its
labels use. No matplotlib."""

import leasesim_trace as lt

NS = lt.NS_PER_S


def titles(tr, model, opts):
    """(title, subtitle): the scenario and seed from the trace's header (or
    --title), then the protocol settings, the verdict and the window."""
    if opts.title:
        title = opts.title
    elif tr.header is not None:
        title = "%s (seed %s)" % (tr.header.get("scenario"), tr.header.get("seed"))
    else:
        title = tr.title()
    failures = sum(1 for v in tr.violations if not v.warning)
    if failures:
        verdict = "safety VIOLATED (%d)" % failures
    elif tr.cut_short():
        # As the report says it: nothing seen, but the run stopped early.
        verdict = "safety INCOMPLETE (stopped: %s)" % tr.cut_short()
    else:
        verdict = "safety holds"
    setting = tr.setting()
    sub = "%s%s   %s records   %s - %s%s" % (
        setting + "   " if setting else "",
        verdict, format(tr.records, ","), fmt_s(model.start), fmt_s(model.end),
        ("   (%d more resources hidden; --resources)" % model.hidden_resources
         if model.hidden_resources else ""))
    return title, sub


def fmt_s(ns):
    return "%.3gs" % (ns / NS) if abs(ns) < 10 * NS else "%.1fs" % (ns / NS)


def fmt_short(ns):
    """Three significant digits: 167ms, 1.23s."""
    for unit, scale in (("s", NS), ("ms", 1e6), ("us", 1e3)):
        if abs(ns) >= scale:
            return "%.3g%s" % (ns / scale, unit)
    return "%dns" % ns
