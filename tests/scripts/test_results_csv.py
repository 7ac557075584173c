"""`leasesim results --csv` as pandas reads it (issue 17, item 2): one row
per run, one dtype per column, no reshaping; parameters of every JSON type,
knobs and violation kinds as columns. Needs Debian's python3-pandas
(scripts/setup.sh installs it)."""
import io
import os
import shutil
import subprocess
import tempfile
import unittest

try:
    import pandas as pd
except ImportError:  # a test that cannot run must say so, not pass
    pd = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
NAIVE = os.path.join(ROOT, "tests", "cli", "data", "canary-naive.json")


def leasesim(*args, cwd=None):
    r = subprocess.run([LEASESIM, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if r.returncode not in (0, 1):
        raise AssertionError("leasesim %s: exit %d\n%s" % (" ".join(map(str, args)),
                                                          r.returncode, r.stderr))
    return r


class ResultsCsv(unittest.TestCase):
    def setUp(self):
        self.assertIsNotNone(pd, "python3-pandas is missing: run scripts/setup.sh")
        self.dir = tempfile.mkdtemp(prefix="leasesim-csv-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def csv(self, *args):
        out = os.path.join(self.dir, "r.jsonl")
        leasesim(*args, "--progress", "none", "--out", out)
        return leasesim("results", out, "--csv").stdout

    def test_one_dtype_per_column_and_one_row_per_run(self):
        text = self.csv("sweep", NAIVE, "--compare", "safe,naive",
                        "--param", "protocol.knobs.fencing=true,false",
                        "--param", "lease.renew_every=500ms",
                        "--param", 'network.latency={"dist":"constant","value":"3ms"}',
                        "--param", "core.servers=3", "--seeds", "12")
        runs = pd.read_csv(io.StringIO(text))  # no options: what a notebook does first
        self.assertEqual(len(runs), 2 * 2 * 12)
        self.assertFalse(runs.duplicated(["cell_index", "seed"]).any())
        for column in runs.columns:
            types = {type(v) for v in runs[column].dropna()}
            self.assertLessEqual(len(types), 1, (column, types))
        expect = {
            "cell_index": "int64", "seed": "int64", "param.core.servers": "int64",
            "param.protocol.knobs.fencing": "bool", "param.protocol": "object",
            "param.lease.renew_every": "object", "param.network.latency": "object",
            "verdict": "object", "end": "object", "failures": "int64", "overlap": "int64",
            "stale_write": "int64", "latent_overlap": "int64", "events": "int64",
            "availability": "float64", "knob.fencing": "bool",
            "knob.check_quorum": "object", "knob.margin.drift_ppm": "int64",
            "knob.anchor": "object", "preset": "object", "random_faults": "object",
            "replay": "object",
        }
        for column, dtype in expect.items():
            self.assertEqual(str(runs[column].dtype), dtype, column)
        # Latencies are numbers (NaN where a run had no sample).
        for column in ("acquire_p50_ns", "handoff_p99_ns", "failover_p50_ns"):
            self.assertTrue(pd.api.types.is_numeric_dtype(runs[column]), column)
        # The swept knob is the effective knob.
        self.assertTrue((runs["param.protocol.knobs.fencing"] == runs["knob.fencing"]).all())
        self.assertEqual(runs["param.network.latency"][0], '{"dist":"constant","value":"3ms"}')
        # Violations split by kind, consistent with the verdict.
        failing = runs["verdict"] == "violation"
        self.assertTrue(failing.any())
        self.assertTrue((runs.loc[failing, "failures"] > 0).all())
        self.assertTrue(((runs["overlap"] > 0) | (runs["stale_write"] > 0))[failing].all())

    def test_explore_has_the_same_columns_without_parameters(self):
        explore = pd.read_csv(io.StringIO(self.csv("explore", NAIVE, "--seeds", "1..15")))
        sweep = pd.read_csv(io.StringIO(self.csv("sweep", NAIVE, "--param", "lease.ttl=2s",
                                                 "--seeds", "1..15")))
        self.assertEqual([c for c in sweep.columns if not c.startswith("param.")],
                         list(explore.columns))
        # The same seeds, the same random faults, the same runs.
        self.assertEqual(list(explore["trace_hash"]), list(sweep["trace_hash"]))


if __name__ == "__main__":
    unittest.main()
