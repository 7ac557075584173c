"""The reproduction studies (scripts/repro/, docs/fidelity.md, issue 13) in a
small version: they run end to end and keep their qualitative shape. Not
timed, and loose on purpose: the full study's numbers are in fidelity.md.

- Raft Figure 16: every 150-150 trial elects (jitter breaks the ties, however
  slowly), but none early: the followers' timers start together and a
  candidate needs a disk write's lead, so even 150-150's fastest trials take
  many rounds, and its p10 is far above 150-151's median (the paper's shape;
  a model whose latency tail spread the timers elected in the first round);
  150-300's median is below 150-155's, which is below 150-151's (more
  randomness, faster elections); 150-300 is within 35% of the paper.
- Gray & Cheriton: the leader's lease load is within 5% of 2NR/(1 + R t_C)
  and falls as the term grows.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
SCRIPT = os.path.join(ROOT, "scripts", "repro", "fidelity.py")
PUBLISHED = "/work/shared/fidelity/raft-fig16-published.json"


class ReproSmall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="repro-test-")
        out = os.path.join(cls.work, "numbers.json")
        env = dict(os.environ, LEASESIM=LEASESIM, MPLBACKEND="Agg")
        subprocess.run([sys.executable, SCRIPT, "--small", "--jobs", "2", "--work", cls.work,
                        "--json", out], check=True, env=env, stdout=subprocess.DEVNULL)
        with open(out) as f:
            cls.numbers = json.load(f)

    def test_every_150_150_trial_elects(self):
        row = self.numbers["fig16"]["150-150 ms"]
        self.assertGreater(row["trials"], 0)
        self.assertEqual(row["unfinished"], 0)

    def test_150_150_never_elects_in_the_first_rounds(self):
        row = self.numbers["fig16"]["150-150 ms"]
        # 20 rounds of 150 ms; the full study's fastest of 965 trials took 4.4 s.
        self.assertGreater(row["min"], 3000.0, row)

    def test_150_150_p10_is_far_above_150_151_median(self):
        f = self.numbers["fig16"]
        self.assertGreater(f["150-150 ms"]["p10"], 5 * f["150-151 ms"]["p50"])

    def test_more_randomness_elects_faster(self):
        f = self.numbers["fig16"]
        self.assertLess(f["150-300 ms"]["p50"], f["150-155 ms"]["p50"])
        self.assertLess(f["150-155 ms"]["p50"], f["150-151 ms"]["p50"])
        self.assertLess(f["150-151 ms"]["p50"], f["150-150 ms"]["p50"])

    def test_shorter_timeouts_elect_faster(self):
        f = self.numbers["fig16"]
        order = ["12-24 ms", "25-50 ms", "50-100 ms", "100-200 ms", "150-300 ms"]
        medians = [f[k]["p50"] for k in order]
        self.assertEqual(medians, sorted(medians))

    @unittest.skipUnless(os.path.exists(PUBLISHED), "published data not on this machine")
    def test_wide_randomness_matches_the_paper(self):
        with open(PUBLISHED) as fh:
            pub = json.load(fh)["panels"]["top: randomness (min timeout 150 ms)"]["150-300 ms"]
        sim = self.numbers["fig16"]["150-300 ms"]["p50"]
        self.assertLess(abs(sim - pub["p50"]) / pub["p50"], 0.35)

    def test_gray_cheriton_load_follows_the_formula(self):
        points = self.numbers["gc"]
        self.assertGreaterEqual(len(points), 2)
        for p in points:
            self.assertAlmostEqual(p["ratio"], 1.0, delta=0.05, msg=p)
        loads = [p["measured"] for p in sorted(points, key=lambda p: p["t_C"])]
        self.assertEqual(loads, sorted(loads, reverse=True))


if __name__ == "__main__":
    unittest.main()
