"""violation_summary(): a violation's one-line text, rebuilt from the trace
word for word as the checker writes it in its report (sim/check/summary.cpp),
so a picture says exactly what the report says. Part of the helper module
leasesim_trace (which re-exports it)."""

from trace_beliefs import belief_instances, instance_at
from trace_units import fmt_duration_short, fmt_instant


def _segments_text(segments, at_end):
    if not segments:
        return "never"
    parts = []
    for i, b in enumerate(segments):
        last = i + 1 == len(segments)
        parts.append(fmt_instant(b.start) + ".." + ("" if at_end and last else fmt_instant(b.end)))
    return ", ".join(parts)


def violation_summary(tr, v, instances=None):
    """The violation's one-line text, rebuilt from the trace exactly as the
    checker words it (sim/check/summary.cpp, sim/check/checker.cpp); None if
    the trace lacks what it needs (a trace from before violation_detail)."""
    if v.number is None:
        return None
    if instances is None:
        instances = getattr(tr, "instances", None) or belief_instances(tr)
    if v.kind in ("overlap", "latent_overlap"):
        def segments(node, lease):
            inst = instance_at(instances, v.resource, node, lease, v.start)
            return inst.segments if inst is not None else []

        def party(node, lease, at_end):
            return "%s (lease %d, believed %s)" % (
                node, lease, _segments_text(segments(node, lease), at_end))

        # Still going on when the run ended: both held at the end (the first
        # party's last segment then ends at the run's end) and so did it.
        length = v.end - v.start
        first_segs = segments(v.first, v.first_lease)
        cut = v.first_at_end and (v.kind == "latent_overlap" or v.second_at_end) and \
            bool(first_segs) and v.end == first_segs[-1].end
        if cut:
            stretch = "for at least %s: %s.. (the run ended at %s)" % (
                fmt_duration_short(length), fmt_instant(v.start), fmt_instant(v.end))
        else:
            stretch = "for %s: %s..%s" % (fmt_duration_short(length), fmt_instant(v.start),
                                         fmt_instant(v.end))
        first = party(v.first, v.first_lease, v.first_at_end)
        if v.kind == "overlap":
            return "%s and %s overlapped on %s %s" % (
                first, party(v.second, v.second_lease, v.second_at_end), v.resource, stretch)
        return "%s still held %s after the core had freed its lease, %s" % (
            first, v.resource, stretch)
    if v.kind == "stale_write":
        writer, lease, token, at = v.first, v.first_lease, v.token, v.start
        why = ""
        if v.second is not None:
            began = None
            for t, res, holder, l in tr.belief_begins:
                if t > at:
                    break
                if (res, holder, l) == (v.resource, writer, lease):
                    began = t
                    break
            by = None
            for t, res, holder, l in tr.belief_begins:
                if t > at:
                    break
                if res == v.resource and holder != writer and l != lease and \
                        (began is None or t > began):
                    by = t
                    break
            why = "%s's lease %d began at %s" % (v.second, v.second_lease, fmt_instant(by))
            if began is None:
                why += " (%s was never seen believing lease %d)" % (writer, lease)
            else:
                why += ", after %s's lease %d began at %s" % (writer, lease, fmt_instant(began))
        highest = 0
        for t, res, w, l, tok in tr.accepted:
            if res != v.resource:
                continue
            if (t, w, l, tok) == (at, writer, lease, token):
                break
            highest = max(highest, tok)
        if token < highest:
            why += ("; " if why else "") + "token %d is below the %d already accepted" % (
                token, highest)
        return "%s's write to %s (lease %d, token %d) accepted at %s was stale: %s" % (
            writer, v.resource, lease, token, fmt_instant(at), why)
    if v.kind == "election_safety":
        return "two leaders in term %d: %s and %s" % (v.first_lease, v.first, v.second)
    if v.kind == "committed_changed":
        return "log index %d applied by %s differs from what was committed before" % (
            v.first_lease, v.second)
    return None
