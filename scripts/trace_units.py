"""Times, durations and names as leasesim writes them: integer nanoseconds
of true time, the checker's instant and duration words (sim/check/violation.cpp,
sim/core/time.cpp), human durations for pictures, and parsing of "10s"-style
arguments. Part of the helper module leasesim_trace (which re-exports it).
Standard library only."""

import re

NS_PER_S = 1_000_000_000


def natural_key(name):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def fmt_instant(ns):
    """An instant as violation summaries write it (format_instant in
    sim/check/violation.cpp): seconds floored to the microsecond, trailing
    zeros trimmed but one decimal kept: 3.0s, 10.2s, 11.025312s."""
    us = ns // 1000   # floor, as format_time
    mag = abs(us)
    s = "%s%d.%06d" % ("-" if us < 0 else "", mag // 1_000_000, mag % 1_000_000)
    while s[-1] == "0" and s[-2] != ".":
        s = s[:-1]
    return s + "s"


def fmt_duration_short(ns):
    """format_duration_short (sim/core/time.cpp): three decimals at most, the
    largest unit of s/ms/us whose rounded value is at least 1: 800ms, 1.115s."""
    if ns == 0:
        return "0s"
    mag = abs(ns)
    out = "-" if ns < 0 else ""
    for unit, scale in (("s", NS_PER_S), ("ms", 1_000_000), ("us", 1000)):
        grain = scale // 1000
        th = mag // grain + (1 if mag % grain >= (grain + 1) // 2 else 0)
        if th < 1000:
            continue
        out += str(th // 1000)
        frac = th % 1000
        if frac:
            out += "." + ("%03d" % frac).rstrip("0")
        return out + unit
    return out + "%dns" % mag


def fmt_signed(ns):
    return ("+" if ns >= 0 else "-") + fmt_duration(abs(ns))


def fmt_ppm(ppb):
    v = ppb / 1000.0
    return ("%+.3f" % v).rstrip("0").rstrip(".")


def fmt_duration(ns):
    """A short human duration: 1.5s, 250ms, 12us, 7ns."""
    ns = int(ns)
    a = abs(ns)
    for unit, scale in (("h", 3600 * NS_PER_S), ("m", 60 * NS_PER_S), ("s", NS_PER_S),
                        ("ms", 1_000_000), ("us", 1000)):
        if a >= scale:
            v = ns / scale
            text = ("%.3f" % v).rstrip("0").rstrip(".")
            return text + unit
    return "%dns" % ns


_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 1_000_000, "s": NS_PER_S,
          "m": 60 * NS_PER_S, "h": 3600 * NS_PER_S}


def parse_duration(text):
    """'10s', '1.5s', '250ms', '2m' -> nanoseconds. A bare number means seconds.
    Raises ValueError with a readable message."""
    s = text.strip()
    for unit in sorted(_UNITS, key=len, reverse=True):
        if s.endswith(unit):
            num = s[: -len(unit)]
            try:
                return int(round(float(num) * _UNITS[unit]))
            except ValueError:
                break
    try:
        return int(round(float(s) * NS_PER_S))
    except ValueError:
        raise ValueError('expected a duration like "10s" or "250ms", found "%s"' % text)
