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

    def test_traces_of_different_settings_are_separate_series(self):
        # INPUT... OUT, as every plot script takes its arguments.
        png = vs.tmpdir() / "handoffs.png"
        rc, out, err = self.main(vs.default_run().trace, vs.violation_run().trace, png)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        self.assertGreater(png.stat().st_size, 10000)
        # Two scenarios: two series, labelled from the traces' headers, each
        # counting what its own report counted (never pooled).
        series = dict(ph.load_series([str(vs.default_run().trace),
                                      str(vs.violation_run().trace)]))
        r1, r2 = vs.default_run().report, vs.violation_run().report
        label1 = "%s, raft-lease, preset %s (seed %d)" % (r1["scenario"], r1["preset"], r1["seed"])
        self.assertIn(label1, series)
        self.assertIn(label1, out)
        self.assertTrue(out.endswith("wrote %s\n" % png), out)
        self.assertEqual(len(series), 2, list(series))
        (label2,) = [k for k in series if k != label1]
        self.assertTrue(label2.startswith(r2["scenario"] + ", raft-lease, preset " + r2["preset"]),
                        label2)
        for label, report in ((label1, r1), (label2, r2)):
            m = report["metrics"]
            self.assertEqual(len(series[label]["handoff"]), m["handoff_gap"]["count"])
            self.assertEqual(len(series[label]["acquire"]), m["acquire_latency"]["count"])

    def test_seeds_of_one_setting_are_pooled(self):
        seed2 = vs.run(vs.ROOT / "scenarios" / "default.json", "--seed", "2")
        series = ph.load_series([str(vs.default_run().trace), str(seed2.trace)])
        self.assertEqual(len(series), 1, series)
        label, values = series[0]
        self.assertEqual(label, "default, raft-lease, preset seed (2 seeds)")
        m1, m2 = vs.default_run().report["metrics"], seed2.report["metrics"]
        self.assertEqual(len(values["acquire"]),
                         m1["acquire_latency"]["count"] + m2["acquire_latency"]["count"])

    def test_the_old_argument_order_still_works_with_a_note(self):
        png = vs.tmpdir() / "old-order.png"
        rc, out, err = self.main(png, vs.default_run().trace)
        self.assertEqual(rc, 0, err)
        self.assertIn("OUT first is the old argument order; write INPUT... OUT", err)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        # --out works too, and nothing but images can be the output.
        png2 = vs.tmpdir() / "opt.png"
        rc, out, err = self.main(vs.default_run().trace, "--out", png2)
        self.assertEqual(rc, 0, err)
        self.assertTrue(png2.exists())
        rc, out, err = self.main(vs.default_run().trace, vs.violation_run().trace)
        self.assertEqual(rc, 2)
        self.assertIn("the last argument must be the picture to write (.png, .svg or .pdf)", err)

    def test_results_and_log_axes(self):
        res = results_file(vs.tmpdir() / "results.jsonl",
                           [(20e6, 300e6, 170e6), (25e6, None, None), (30e6, 500e6, 150e6)])
        svg = vs.tmpdir() / "handoffs.svg"
        rc, out, err = self.main(res, vs.default_run().trace, svg, "--log", "--title", "t")
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
        rc, out, err = self.main(res, png)
        self.assertEqual(rc, 0, err)
        self.assertIn("lease.ttl=5s", out)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))

    def test_bad_input(self):
        bad = vs.tmpdir() / "not-a-trace.jsonl"
        bad.write_text('{"hello": 1}\n')
        rc, out, err = self.main(bad, vs.tmpdir() / "x.png")
        self.assertEqual(rc, 2)
        self.assertIn("neither a leasesim trace nor an explore/sweep results file", err)
        rc, out, err = self.main(vs.default_run().trace, "--out", vs.tmpdir() / "x.gif")
        self.assertEqual(rc, 2)
        self.assertIn(".png, .svg or .pdf", err)


if __name__ == "__main__":
    unittest.main()
