"""Sharded exploration across processes: GNU parallel and the Slurm array
script produce shards that `leasesim merge` turns into exactly the file an
unsharded run writes (docs/scaling.md)."""
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
SCENARIO = os.path.join(ROOT, "tests", "cli", "data", "canary-naive.json")
SBATCH = os.path.join(ROOT, "scripts", "slurm", "explore.sbatch")
SEEDS = "3..62"
SHARDS = 3


def read(path):
    with open(path, "rb") as f:
        return f.read()


class ExploreSharding(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leasesim-sharding-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.whole = os.path.join(self.dir, "whole.jsonl")
        r = subprocess.run([LEASESIM, "explore", SCENARIO, "--seeds", SEEDS, "-q", "--jobs", "2",
                            "--out", self.whole], capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 1), r.stderr)

    def merge(self, files):
        merged = os.path.join(self.dir, "merged.jsonl")
        r = subprocess.run([LEASESIM, "merge", *files, "--out", merged],
                           capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return read(merged)

    @unittest.skipUnless(shutil.which("parallel"), "GNU parallel is not installed (scripts/setup.sh)")
    def test_gnu_parallel_shards_merge_to_the_unsharded_file(self):
        out = os.path.join(self.dir, "par")
        os.makedirs(out)
        # The docs/scaling.md recipe, minus --sshlogin: one shard per job.
        cmd = (f"'{LEASESIM}' explore '{SCENARIO}' --seeds {SEEDS} --shard {{}}/{SHARDS} "
               f"--jobs 1 --progress none --out '{out}'/shard-{{}}-of-{SHARDS}.jsonl; [ $? -le 1 ]")
        r = subprocess.run(["parallel", "--will-cite", "-j2", cmd, ":::",
                            *[str(k) for k in range(1, SHARDS + 1)]],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        files = [os.path.join(out, f"shard-{k}-of-{SHARDS}.jsonl") for k in range(1, SHARDS + 1)]
        self.assertEqual(self.merge(files), read(self.whole))

    def run_array_task(self, out, task, first=1, extra_env=None):
        env = dict(os.environ, LEASESIM=LEASESIM, SLURM_ARRAY_TASK_ID=str(task),
                   SLURM_ARRAY_TASK_MIN=str(first), SLURM_ARRAY_TASK_MAX=str(first + SHARDS - 1),
                   SLURM_ARRAY_TASK_COUNT=str(SHARDS), SLURM_CPUS_PER_TASK="1")
        env.update(extra_env or {})
        return subprocess.run(["bash", SBATCH, SCENARIO, SEEDS, out], env=env,
                              capture_output=True, text=True)

    def test_slurm_array_tasks_merge_to_the_unsharded_file(self):
        out = os.path.join(self.dir, "slurm")
        for task in range(0, SHARDS):  # an array submitted as --array=0-2
            r = self.run_array_task(out, task, first=0)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)  # violations: still 0
        files = [os.path.join(out, f"shard-{k}-of-{SHARDS}.jsonl") for k in range(1, SHARDS + 1)]
        self.assertEqual(self.merge(files), read(self.whole))
        self.assertTrue(os.listdir(os.path.join(out, "failures")))

        # A resubmission (e.g. after a time limit) resumes: a shard cut to its
        # header plus one seed line is completed to the same bytes.
        shard2 = files[1]
        full = read(shard2)
        lines = full.split(b"\n")
        with open(shard2, "wb") as f:
            f.write(b"\n".join(lines[:2]) + b"\n")
        r = self.run_array_task(out, 1, first=0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(read(shard2), full)

    def test_slurm_script_outside_an_array_says_so(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
        r = subprocess.run(["bash", SBATCH, SCENARIO, SEEDS, self.dir], env=env,
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Slurm array task", r.stderr)


if __name__ == "__main__":
    unittest.main()
