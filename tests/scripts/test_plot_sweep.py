"""scripts/plot_sweep.py: heatmaps and line plots of sweep results."""

import contextlib
import io
import json
import unittest

import viz_support as vs

import plot_sweep as ps  # noqa: E402


def sweep_file(path, params, rate):
    """A results file (include/leasesim/campaign/results.hpp) of a sweep with
    one cell line per combination; rate(cell) gives its violation rate."""
    lines = [json.dumps({"format": "leasesim-results", "version": 2, "command": "sweep",
                         "scenario": "x", "digest": "0",
                         "params": [{"name": n, "path": n, "values": v} for n, v in params],
                         "seeds": "1..100", "shard": None, "options": {}})]
    combos = [{}]
    for name, values in params:
        combos = [dict(c, **{name: v}) for c in combos for v in values]
    for i, cell in enumerate(combos):
        r = rate(cell)
        k = int(round(100 * r))
        lines.append(json.dumps({
            "type": "cell", "cell": cell, "cell_index": i, "runs": 100, "violations": k, "violation_rate": r,
            "ci95": [max(0.0, r - 0.05), min(1.0, r + 0.07)], "violation_kinds": {},
            "incomplete": 0, "availability_mean": 0.9, "acquire_p50_ns": 20000000 + i,
            "acquire_p99_ns": 900000000, "handoff_p50_ns": None, "handoff_p99_ns": None,
            "failover_p50_ns": 170000000, "failover_p99_ns": 250000000, "grants_mean": 4,
            "elections_mean": 1}))
    lines.append(json.dumps({"type": "summary", "status": "complete"}))
    path.write_text("\n".join(lines) + "\n")
    return path


class PlotSweep(unittest.TestCase):
    def main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = ps.main([str(a) for a in args])
        return rc, out.getvalue(), err.getvalue()

    def two_params(self):
        return sweep_file(vs.tmpdir() / "two.jsonl",
                          [("lease.ttl", ["2s", "5s", "10s"]),
                           ("clocks.drift_ppm", [0, 100, 1000, 10000])],
                          lambda c: min(1.0, c["clocks.drift_ppm"] / 20000))

    def test_heatmap_for_two_parameters(self):
        png = vs.tmpdir() / "heat.png"
        rc, out, err = self.main(self.two_params(), png)
        self.assertEqual(rc, 0, err)
        self.assertIn("heatmap of violation_rate: rows lease.ttl, columns clocks.drift_ppm", out)
        self.assertIn("12 cell(s)", out)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        self.assertGreater(png.stat().st_size, 10000)

    def test_line_with_ci_for_one_parameter_and_series(self):
        svg = vs.tmpdir() / "line.svg"
        rc, out, err = self.main(self.two_params(), svg, "--kind", "line", "--log")
        self.assertEqual(rc, 0, err)
        self.assertIn("line plot of violation_rate over lease.ttl by clocks.drift_ppm", out)
        self.assertIn("95% Wilson CI", out)
        self.assertGreater(svg.stat().st_size, 10000)
        rc, out, err = self.main(self.two_params(), vs.tmpdir() / "one.png",
                                 "--where", "lease.ttl=5s", "--metric", "acquire_p50_ns")
        self.assertEqual(rc, 0, err)
        self.assertIn("line plot of acquire_p50_ns over clocks.drift_ppm, 4 cell(s)", out)

    def test_a_long_title_fits_a_narrow_heatmap(self):
        # Two columns make a figure about 4 inches wide; the title (scenario
        # and metric) was centred over the axes and cut off at the left edge.
        f = sweep_file(vs.tmpdir() / "narrow.jsonl",
                       [("lease.ttl", ["2s", "5s"]), ("clocks.drift_ppm", [0, 100])],
                       lambda c: 0.1)
        f.write_text(f.read_text().replace('"scenario": "x"',
                                           '"scenario": "partition/leader-isolated-with-drift"'))
        seen = []
        real_save = ps.lt.save_atomically

        def save(fig, out):
            fig.canvas.draw()
            box = fig.axes[0].title.get_window_extent()
            seen.append((box.x0, box.x1, fig.bbox.width, fig.axes[0].get_title()))
            real_save(fig, out)

        ps.lt.save_atomically = save
        try:
            rc, out, err = self.main(f, vs.tmpdir() / "narrow.png")
        finally:
            ps.lt.save_atomically = real_save
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(seen), 1)
        x0, x1, width, text = seen[0]
        self.assertGreaterEqual(x0, 0, text)
        self.assertLessEqual(x1, width, text)
        self.assertEqual(" ".join(text.split()),
                         "partition/leader-isolated-with-drift: violation rate")

    def test_protocols_are_the_series_of_a_comparison(self):
        f = sweep_file(vs.tmpdir() / "cmp.jsonl",
                       [("protocol", ["seed", "etcd-like", "safe", "naive"]),
                        ("lease.ttl", ["2s", "5s"])],
                       lambda c: 0.2 if c["protocol"] == "naive" else 0.0)
        rc, out, err = self.main(f, vs.tmpdir() / "cmp.png", "--kind", "line")
        self.assertEqual(rc, 0, err)
        self.assertIn("over lease.ttl by protocol", out)

    def test_bad_input(self):
        rc, out, err = self.main(vs.tmpdir() / "missing.jsonl", vs.tmpdir() / "x.png")
        self.assertEqual(rc, 2)
        self.assertIn("cannot read", err)
        other = vs.tmpdir() / "other.jsonl"
        other.write_text('{"results": 1}\n')
        rc, out, err = self.main(other, vs.tmpdir() / "x.png")
        self.assertEqual(rc, 2)
        self.assertIn("not a leasesim sweep results file", err)
        three = sweep_file(vs.tmpdir() / "three.jsonl",
                           [("a", [1, 2]), ("b", [1, 2]), ("c", ["x", "y"])], lambda c: 0.1)
        rc, out, err = self.main(three, vs.tmpdir() / "x.png")
        self.assertEqual(rc, 2)
        self.assertIn("3 parameters vary (a, b, c)", err)
        rc, out, err = self.main(three, vs.tmpdir() / "x.png", "--where", "c=y")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.main(three, vs.tmpdir() / "x.gif")
        self.assertEqual(rc, 2)
        self.assertIn(".png, .svg or .pdf", err)
        # A picture that cannot be written: a clear error, not a traceback.
        rc, out, err = self.main(three, vs.tmpdir() / "no-such-dir" / "x.png", "--where", "c=y")
        self.assertEqual(rc, 2, err)
        self.assertIn("cannot write into", err)
        self.assertNotIn("Traceback", err)

    def test_a_real_sweep(self):
        out = vs.tmpdir() / "real.jsonl"
        p = vs.leasesim("sweep", vs.ROOT / "tests/cli/data/canary-naive.json",
                        "--compare", "seed,naive", "--param", "lease.ttl=2s,3s",
                        "--seeds", "10", "--progress", "none", "--quiet", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        rc, text, err = self.main(out, vs.tmpdir() / "real.png")
        self.assertEqual(rc, 0, err)
        self.assertIn("heatmap of violation_rate: rows protocol, columns lease.ttl", text)
        rc, text, err = self.main(out, vs.tmpdir() / "real-line.png", "--kind", "line")
        self.assertEqual(rc, 0, err)
        self.assertIn("over lease.ttl by protocol", text)


if __name__ == "__main__":
    unittest.main()
