"""Shared by the visualization script tests (test_plot_*.py, test_chrome_trace.py).

Runs the leasesim binary ($LEASESIM, default build/leasesim) on scenarios in
a temporary directory, once per scenario and options per test process, and
makes scripts/ importable.
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
DATA = Path(__file__).resolve().parent / "data"
PYTHON = "/usr/bin/python3"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))
os.environ.setdefault("MPLBACKEND", "Agg")

_tmp = Path(tempfile.mkdtemp(prefix="leasesim-viz-test-"))
atexit.register(shutil.rmtree, _tmp, True)
_runs = {}


def tmpdir():
    return _tmp


def binary():
    p = Path(os.environ.get("LEASESIM", "build/leasesim"))
    if not p.is_absolute() and not p.exists():
        p = ROOT / p
    if not p.exists():
        raise RuntimeError("leasesim binary not found at %s (set LEASESIM)" % p)
    return str(p.resolve())


def leasesim(*args, cwd=None):
    """Runs the binary; returns the CompletedProcess (text)."""
    return subprocess.run([binary()] + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


class Run:
    def __init__(self, out_dir, proc):
        self.dir = out_dir
        self.proc = proc
        self.trace = out_dir / "trace.jsonl"
        self.chrome = out_dir / "trace.chrome.json"
        self.report = json.loads((out_dir / "report.json").read_text())


def run(scenario, *extra):
    """`leasesim run SCENARIO --out DIR --trace-format chrome EXTRA...`, cached.
    Writes trace.jsonl, trace.chrome.json, report.json."""
    key = (str(scenario),) + tuple(str(e) for e in extra)
    if key not in _runs:
        out = _tmp / ("run%d" % len(_runs))
        proc = leasesim("run", scenario, "--out", out, "--trace-format", "chrome", *extra)
        if proc.returncode not in (0, 1):
            raise RuntimeError("leasesim run %s failed (%d): %s" % (scenario, proc.returncode,
                                                                   proc.stderr))
        _runs[key] = Run(out, proc)
    return _runs[key]


def default_run():
    return run(ROOT / "scenarios" / "default.json")


def violation_run():
    return run(DATA / "violation.json")


def large_run():
    return run(DATA / "large.json")


def library_scenarios():
    """The scenario library (scenarios/**/*.json) without the large benchmark and
    scale scenarios, which take longer than a test should."""
    skip = {"bench", "scale"}
    return sorted(p for p in (ROOT / "scenarios").rglob("*.json")
                  if not skip & set(p.relative_to(ROOT / "scenarios").parts[:-1]))
