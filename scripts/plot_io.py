"""What every plot script shares around its picture: the INPUT... OUT
argument order, the message when matplotlib is missing, writing a picture
whole or not at all, and reading JSONL result rows. Part of the helper module
leasesim_trace (which re-exports it). Standard library only."""

import json


IMAGE_EXTENSIONS = (".png", ".svg", ".pdf")


def is_image(path):
    import os
    return os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS


def inputs_and_output(paths, out=None, old_out_first=False):
    """The argument order every plot script shares (docs/visualization.md):
    INPUT... OUT, the picture last as with cp, or INPUT... --out OUT.
    Returns (inputs, out, note): `note` is a message for stderr when the old
    order of plot_handoffs.py (OUT INPUT..., `old_out_first`) was used, else
    None. Raises ValueError saying what was expected."""
    paths = list(paths)
    if out is not None:
        if not paths:
            raise ValueError("no input: expected INPUT... --out OUT")
        return paths, out, None
    if len(paths) < 2:
        raise ValueError("expected INPUT... OUT (the picture last, .png, .svg or .pdf), "
                         "or INPUT... --out OUT")
    if is_image(paths[-1]):
        return paths[:-1], paths[-1], None
    if old_out_first and is_image(paths[0]):
        return (paths[1:], paths[0],
                "note: OUT first is the old argument order; write INPUT... OUT (the picture "
                "last, as every plot script takes it)")
    if is_image(paths[0]):
        raise ValueError("the picture goes last: INPUT... OUT (found %s first)" % paths[0])
    raise ValueError("the last argument must be the picture to write (.png, .svg or .pdf), "
                     "found %s" % paths[-1])


def check_writable(path):
    """Raises ValueError, before any drawing, when the picture could not be
    written: `path` is a folder, or its folder is missing or not writable."""
    import os
    if os.path.isdir(path):
        raise ValueError("%s: is a directory" % path)
    try:
        target, stream = _resolve_links(path)
    except OSError as e:
        raise ValueError("%s: %s" % (path, e.strerror))
    if stream or (os.path.exists(target) and not os.path.isfile(target)):
        return  # written in place (save_atomically)
    folder = os.path.dirname(target)  # where the temporary goes
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise ValueError("%s: cannot write into \"%s\" (no such folder, or not writable)"
                         % (path, folder))


def bounded_number(kind, low, high, what):
    """An argparse `type` for a number in (low, high] (a float, or an int
    with kind=int), saying what was expected instead of failing later inside
    matplotlib (a zero width made a singular matrix)."""
    import argparse
    import math

    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            v = None
        if v is None or (kind is float and not math.isfinite(v)) or not low < v <= high:
            raise argparse.ArgumentTypeError("expected %s, found %s" % (what, text))
        return v
    return parse


def matplotlib_missing(prog):
    """The message when matplotlib cannot be imported: both remedies."""
    import sys
    return ("%s: matplotlib is missing for %s. Install it (Debian: apt-get install "
            "python3-matplotlib), or use a Python that has it: set LEASESIM_PYTHON=/path/to/python "
            "(for the installed leasesim-plot-* commands and leasesim run --plot), or run "
            "/path/to/python %s ..." % (prog, sys.executable, prog))


def _names_a_descriptor(path):
    """Whether path names an open descriptor (/proc/..., /dev/fd/N), judged
    on its absolute, lexically normal form. Other paths under /dev are
    judged by what they are (/dev/shm holds regular files)."""
    import os
    s = os.path.normpath(os.path.abspath(path))
    while s.startswith("//"):
        s = s[1:]
    return s.startswith(("/proc/", "/dev/fd/"))


def _resolve_links(path):
    """(where a write to path lands, whether it is a stream): path with its
    symbolic links followed hop by hop (".." left to the kernel, which
    follows it through links to folders); a stream if the path or a link on
    its way names an open descriptor (/dev/stdout -> /proc/self/fd/1).
    Raises OSError(ELOOP) for a chain longer than the kernel follows."""
    import errno
    import os
    at = path
    stream = _names_a_descriptor(at)
    for _ in range(41):  # the kernel's limit of 40 links
        if not os.path.islink(at):
            # Absolute without normalizing: a ".." stays the kernel's.
            return (at if os.path.isabs(at) else os.path.join(os.getcwd(), at)), stream
        nxt = os.readlink(at)
        at = nxt if os.path.isabs(nxt) else os.path.join(os.path.dirname(at) or ".", nxt)
        stream = stream or _names_a_descriptor(at)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)


def save_atomically(fig, path, **kwargs):
    """fig.savefig(path) through a temporary file beside it, renamed into
    place: the picture appears whole or not at all. A symbolic link is
    written through (its target is replaced, the link stays); a device, a
    FIFO or a link to an open descriptor (/dev/stdout) is written in place,
    never replaced (as leasesim's own outputs: docs/reliability.md)."""
    import os
    target, stream = _resolve_links(path)
    folder, name = os.path.split(target)
    base, ext = os.path.splitext(name)
    fmt = ext.lstrip(".").lower() or None
    if stream or (os.path.exists(target) and not os.path.isfile(target)):
        fig.savefig(path, format=fmt, **kwargs)
        return
    tmp = os.path.join(folder, ".%s.tmp-%d%s" % (base, os.getpid(), ext))
    try:
        fig.savefig(tmp, format=fmt, **kwargs)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_jsonl_rows(path):
    """Rows of a JSONL file (explore/sweep results), skipping blank lines."""
    rows = []
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise ValueError("%s:%d: not JSON (%s)" % (path, lineno, e))
    return rows
