"""A protocol from the test tree (solo-lease, tests/plugin/) through the
command line and the plot scripts, unchanged: leasesim-solo is leasesim built
with one more module (tests/plugin/solo_main.cpp). Its runs report, trace,
explore and plot like raft-lease's, and the picture agrees with the report.

The binary is $LEASESIM_SOLO, or tests/leasesim-solo in the build folder of
$LEASESIM (default build/leasesim)."""

import contextlib
import io
import json
import os
import subprocess
import unittest
from pathlib import Path

import viz_support as vs

import leasesim_trace as lt  # noqa: E402  (viz_support puts scripts/ on the path)
import plot_timeline as pt  # noqa: E402

DATA = vs.ROOT / "tests" / "plugin" / "data"


def solo_binary():
    p = os.environ.get("LEASESIM_SOLO")
    if p:
        p = Path(p)
    else:
        p = Path(vs.binary()).parent / "tests" / "leasesim-solo"
    if not p.exists():
        raise RuntimeError("leasesim-solo not found at %s (build the tests, or set LEASESIM_SOLO)"
                           % p)
    return str(p)


def solo(*args):
    return subprocess.run([solo_binary()] + [str(a) for a in args], capture_output=True, text=True,
                          cwd=vs.ROOT, timeout=300)


def run(name):
    out = vs.tmpdir() / ("solo-" + name)
    proc = solo("run", DATA / (name + ".json"), "--out", out, "--trace-format", "chrome")
    return proc, out


class SoloThroughTheCommandLine(unittest.TestCase):

    def test_safe_run_reports_traces_and_plots(self):
        proc, out = run("solo-safe")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads((out / "report.json").read_text())
        self.assertEqual(report["protocol"], "solo-lease")
        self.assertEqual(report["preset"], "safe")
        self.assertEqual(report["safety"], "holds")
        self.assertGreaterEqual(report["metrics"]["grants"], 5)
        tr = lt.read_trace(out / "trace.jsonl")
        # What the plot draws is what the checker judged.
        by_res = tr.intervals_by_resource()
        for res, m in report["metrics"]["resources"].items():
            ivs = by_res.get(res, [])
            self.assertEqual(len(ivs), m["holds"], res)
            self.assertEqual(sum(b - a for _, a, b in ivs), m["held_ns"], res)
        self.assertTrue((out / "trace.chrome.json").stat().st_size > 0)
        png = out / "timeline.png"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(pt.main([str(out / "trace.jsonl"), str(png)]), 0, err.getvalue())
        self.assertGreater(png.stat().st_size, 1000)

    def test_trusting_run_shows_the_overlap_in_report_trace_and_plot(self):
        proc, out = run("solo-trusting")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads((out / "report.json").read_text())
        kinds = [v["kind"] for v in report["violations"]]
        self.assertIn("overlap", kinds)
        tr = lt.read_trace(out / "trace.jsonl")
        self.assertEqual([(v.kind, v.resource, v.start, v.end) for v in tr.violations],
                         [(v["kind"], v["resource"], v["from_ns"], v["to_ns"])
                          for v in report["violations"]])
        png = out / "timeline.png"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(pt.main([str(out / "trace.jsonl"), str(png)]), 0, err.getvalue())
        self.assertTrue(png.exists())

    def test_check_and_explore(self):
        proc = solo("check", DATA)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("2 passed, 0 failed", proc.stdout)
        safe = solo("explore", DATA / "solo-safe.json", "--seeds", "1..100", "--jobs", "1", "-q",
                    "--save", "none")
        self.assertEqual(safe.returncode, 0, safe.stdout + safe.stderr)
        trusting = solo("explore", DATA / "solo-trusting.json", "--seeds", "1..100", "--jobs",
                        "1", "-q", "--save", "none")
        self.assertEqual(trusting.returncode, 1, trusting.stdout + trusting.stderr)

    def test_shrink_reduces_the_trusting_run_to_a_reproducer(self):
        out = vs.tmpdir() / "solo-min.json"
        proc = solo("shrink", DATA / "solo-trusting.json", "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        minimal = json.loads(out.read_text())
        self.assertEqual(minimal["protocol"]["name"], "solo-lease")
        self.assertNotEqual(minimal["duration"], "30s")  # it cut the run after the overlap
        self.assertEqual(solo("run", out).returncode, 1)  # the overlap is still there

    def test_schema_and_validation_know_both_protocols(self):
        schema = json.loads(solo("schema").stdout)
        names = [b["if"]["properties"]["protocol"]["properties"]["name"]["const"]
                 for b in schema["allOf"]]
        self.assertEqual(names, ["raft-lease", "kv-lease", "session-lease", "solo-lease"])
        ok = solo("validate", DATA / "solo-safe.json", vs.ROOT / "scenarios" / "default.json")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        try:
            import jsonschema  # noqa: F401  (python3-jsonschema, scripts/setup.sh)
        except ImportError:
            self.skipTest("python3-jsonschema is not installed")
        validator = jsonschema.Draft202012Validator(schema)
        for path in (DATA / "solo-safe.json", DATA / "solo-trusting.json",
                     vs.ROOT / "scenarios" / "default.json"):
            errors = list(validator.iter_errors(json.loads(path.read_text())))
            self.assertEqual(errors, [], path)
        mixed = json.loads((DATA / "solo-safe.json").read_text())
        mixed["core"] = {"servers": 3}  # raft-lease's key in a solo-lease file
        self.assertTrue(list(validator.iter_errors(mixed)))


if __name__ == "__main__":
    unittest.main()
