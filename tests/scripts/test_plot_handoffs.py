"""scripts/plot_handoffs.py: distributions over traces and explore/sweep results."""

import contextlib
import io
import json
import unittest

import viz_support as vs

import plot_handoffs as ph  # noqa: E402


def results_file(path, seeds):
    """An explore results file (include/leasesim/campaign/results.hpp)."""
    lines = [json.dumps({"format": "leasesim-results", "version": 2, "command": "explore",
                         "scenario": "x", "digest": "0", "params": [],
                         "seeds": "1..%d" % len(seeds), "shard": None})]
    for i, (acq, hand, fail) in enumerate(seeds, 1):
        lines.append(json.dumps({
            "type": "run", "cell_index": 0, "seed": i, "verdict": "holds", "violations": {},
            "failures": 0, "warnings": 0, "end": "completed", "trace_hash": "%016x" % i,
            "events": 100, "faults": 1, "grants": 3, "elections": 1, "availability": 0.9,
            "acquire_p50_ns": acq, "acquire_p99_ns": acq, "handoff_p50_ns": hand,
            "handoff_p99_ns": hand, "failover_p50_ns": fail, "failover_p99_ns": fail}))
    lines.append(json.dumps({"type": "summary", "runs": len(seeds)}))
    path.write_text("\n".join(lines) + "\n")
    return path


class PlotHandoffs(unittest.TestCase):
    def main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = ph.main([str(a) for a in args])
        return rc, out.getvalue(), err.getvalue()

    def test_traces(self):
        png = vs.tmpdir() / "handoffs.png"
        rc, out, err = self.main(png, vs.default_run().trace, vs.violation_run().trace)
        self.assertEqual(rc, 0, err)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        self.assertGreater(png.stat().st_size, 10000)
        # The printed summary counts what both reports counted.
        m1 = vs.default_run().report["metrics"]
        m2 = vs.violation_run().report["metrics"]
        self.assertIn("n=%d" % (m1["handoff_gap"]["count"] + m2["handoff_gap"]["count"]), out)
        self.assertIn("n=%d" % (m1["acquire_latency"]["count"] + m2["acquire_latency"]["count"]),
                      out)

    def test_results_and_log_axes(self):
        res = results_file(vs.tmpdir() / "results.jsonl",
                           [(20e6, 300e6, 170e6), (25e6, None, None), (30e6, 500e6, 150e6)])
        svg = vs.tmpdir() / "handoffs.svg"
        rc, out, err = self.main(svg, res, vs.default_run().trace, "--log", "--title", "t")
        self.assertEqual(rc, 0, err)
        self.assertIn("per-seed p50, results.jsonl", out)
        self.assertGreater(svg.stat().st_size, 10000)
        series = dict(ph.load_series([str(res)]))
        self.assertEqual(len(series["per-seed p50, results.jsonl"]["handoff"]), 2)

    def test_sweep_cells_are_series(self):
        # A real sweep: one series per cell, labelled with its parameters,
        # each holding its seeds' medians.
        res = vs.tmpdir() / "sweep.jsonl"
        p = vs.leasesim("sweep", vs.ROOT / "scenarios/explore.json", "--param", "lease.ttl=2s,5s",
                        "--param", "lease.renew_every=500ms",
                        "--seeds", "4", "--out", res)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        series = dict(ph.load_series([str(res)]))
        self.assertEqual(sorted(series), ["per-seed p50, lease.ttl=2s, lease.renew_every=500ms",
                                          "per-seed p50, lease.ttl=5s, lease.renew_every=500ms"])
        for values in series.values():
            self.assertEqual(len(values["acquire"]), 4)
        png = vs.tmpdir() / "sweep.png"
        rc, out, err = self.main(png, res)
        self.assertEqual(rc, 0, err)
        self.assertIn("lease.ttl=5s", out)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))

    def test_bad_input(self):
        bad = vs.tmpdir() / "not-a-trace.jsonl"
        bad.write_text('{"hello": 1}\n')
        rc, out, err = self.main(vs.tmpdir() / "x.png", bad)
        self.assertEqual(rc, 2)
        self.assertIn("neither a leasesim trace nor an explore/sweep results file", err)
        rc, out, err = self.main(vs.tmpdir() / "x.gif", vs.default_run().trace)
        self.assertEqual(rc, 2)
        self.assertIn(".png, .svg or .pdf", err)


if __name__ == "__main__":
    unittest.main()
