"""scripts/plot_compare.py: the protocol families side by side from a sweep of
several scenario files (docs/protocols.md, "Comparing the families")."""

import contextlib
import io
import json
import unittest

import viz_support as vs

import plot_compare as pc  # noqa: E402

COMPARE = vs.ROOT / "scenarios" / "compare"


class PlotCompare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = vs.tmpdir() / "compare.jsonl"
        proc = vs.leasesim("sweep", str(COMPARE / "raft-lease.json"),
                           str(COMPARE / "kv-lease.json"), str(COMPARE / "session-lease.json"),
                           "--param", "compare-kv-lease:protocol=safe,slow-stop",
                           "--seeds", "8", "--progress", "none", "--quiet", "--save", "none",
                           "--out", str(cls.results))
        assert proc.returncode == 0, proc.stderr

    def main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = pc.main([str(a) for a in args])
        return rc, out.getvalue(), err.getvalue()

    def test_table_and_picture_name_every_protocol_and_preset(self):
        png = vs.tmpdir() / "compare.png"
        rc, out, err = self.main(self.results, png)
        self.assertEqual(rc, 0, err)
        rows = [l for l in out.splitlines() if l.startswith("| ") and "---" not in l][1:]
        self.assertEqual([r.split(" | ")[:2] for r in rows],
                         [["| raft-lease", "safe"], ["| kv-lease", "safe"],
                          ["| kv-lease", "slow-stop"], ["| session-lease", "chubby"]])
        self.assertIn("| kv-lease | slow-stop | 8 / 8 | 100.0% |", out)
        # messages per holder-second: the cell line's number, printed
        cells = [json.loads(l) for l in self.results.read_text().splitlines()
                 if '"type":"cell"' in l]
        self.assertIn("| %.1f |" % cells[0]["messages_per_held_s"], rows[0] + " ")
        self.assertIn("wrote %s (4 cell(s))" % png, out)
        self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        self.assertGreater(png.stat().st_size, 20000)

    def test_bad_input_exits_2(self):
        bad = vs.tmpdir() / "bad.jsonl"
        bad.write_text("hello\n")
        rc, _, err = self.main(bad, vs.tmpdir() / "x.png")
        self.assertEqual(rc, 2)
        self.assertIn("not a leasesim results file", err)
        rc, _, err = self.main(self.results)
        self.assertEqual(rc, 2)
        self.assertIn("expected INPUT... OUT", err)
        # A picture that cannot be written: a clear error before drawing,
        # not a Python traceback (exit 1).
        rc, _, err = self.main(self.results, vs.tmpdir() / "no-such-dir" / "x.png")
        self.assertEqual(rc, 2, err)
        self.assertIn("cannot write into", err)
        self.assertNotIn("Traceback", err)


if __name__ == "__main__":
    unittest.main()
