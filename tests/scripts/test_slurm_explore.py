"""scripts/slurm/explore.sbatch on a real, private, single-node Slurm cluster
(slurmctld + slurmd + munged started here in a temporary directory, on
private ports, and stopped afterwards). Skipped unless Debian's slurm-wlm and
munge are installed and the test runs as root (scripts/setup.sh installs
them; CI runs as root)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
SCENARIO = os.path.join(ROOT, "tests", "cli", "data", "canary-naive.json")
SBATCH = os.path.join(ROOT, "scripts", "slurm", "explore.sbatch")
TOOLS = ["slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "munged", "mungekey"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read(path):
    with open(path, "rb") as f:
        return f.read()


@unittest.skipUnless(all(shutil.which(t) or os.path.exists("/usr/sbin/" + t) for t in TOOLS)
                     and os.geteuid() == 0, "needs slurm-wlm and munge installed, and root")
class SlurmExplore(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leasesim-slurm-")
        os.chmod(self.dir, 0o755)
        self.pids = []
        self.addCleanup(self.stop)
        d = self.dir
        for sub in ("state", "spool", "log", "out"):
            os.makedirs(os.path.join(d, sub))
        self.env = dict(os.environ, SLURM_CONF=os.path.join(d, "slurm.conf"), LEASESIM=LEASESIM)
        # A private munged with its own key and socket.
        key = os.path.join(d, "munge.key")
        subprocess.run(["mungekey", "--create", "--keyfile", key], check=True)
        os.chmod(key, 0o600)
        sock = os.path.join(d, "munge.sock")
        subprocess.run(["munged", "--force", "--socket", sock, "--key-file", key,
                        "--pid-file", os.path.join(d, "munged.pid"),
                        "--log-file", os.path.join(d, "log", "munged.log"),
                        "--seed-file", os.path.join(d, "munged.seed")], check=True)
        self.pids.append(os.path.join(d, "munged.pid"))
        host = socket.gethostname()
        conf = f"""ClusterName=leasesimtest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
NodeName={host} CPUs={os.cpu_count()} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.env["SLURM_CONF"], "w") as f:
            f.write(conf)
        for daemon in ("slurmctld", "slurmd"):
            subprocess.run([daemon, "-f", self.env["SLURM_CONF"]], env=self.env, check=True)
            self.pids.append(os.path.join(d, daemon + ".pid"))
        for _ in range(100):  # up to 20 s for the node to register
            r = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True,
                               text=True)
            if r.stdout.strip() == "idle":
                return
            time.sleep(0.2)
        self.fail("the test cluster did not come up: " + r.stdout + r.stderr + self.logs())

    def logs(self):
        out = ""
        for name in ("slurmctld.log", "slurmd.log"):
            p = os.path.join(self.dir, "log", name)
            if os.path.exists(p):
                out += f"\n--- {name}\n" + read(p).decode(errors="replace")[-3000:]
        return out

    def stop(self):
        # Only the daemons this test started, by their pid files.
        for pidfile in reversed(self.pids):
            try:
                with open(pidfile) as f:
                    os.kill(int(f.read().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        time.sleep(0.5)
        shutil.rmtree(self.dir, True)

    def sbatch(self, *args):
        r = subprocess.run(["sbatch", "--parsable", *args], env=self.env, cwd=self.dir,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip().split(";")[0]

    def wait_idle(self, seconds=120):
        for _ in range(seconds * 5):
            r = subprocess.run(["squeue", "-h"], env=self.env, capture_output=True, text=True)
            if r.returncode == 0 and not r.stdout.strip():
                return
            time.sleep(0.2)
        self.fail("jobs did not finish: " + r.stdout + self.logs())

    def test_array_then_merge_equals_the_unsharded_run(self):
        out = os.path.join(self.dir, "out")
        job = self.sbatch("--array=1-3", "--cpus-per-task=1", "--mem-per-cpu=100M",
                          "--time=00:05:00", f"--output={self.dir}/log/explore-%A_%a.log",
                          SBATCH, SCENARIO, "3..62", out)
        merged = os.path.join(out, "results.jsonl")
        self.sbatch(f"--dependency=afterany:{job}", f"--output={self.dir}/log/merge.log",
                    "--wrap", f"'{LEASESIM}' merge {out}/shard-*-of-3.jsonl --out {merged}")
        self.wait_idle()
        whole = os.path.join(self.dir, "whole.jsonl")
        r = subprocess.run([LEASESIM, "explore", SCENARIO, "--seeds", "3..62", "-q", "--out",
                            whole], capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertTrue(os.path.exists(merged), self.logs())
        self.assertEqual(read(merged), read(whole))
        # Each task ran a range of seeds (20 of 60), not one.
        for k in (1, 2, 3):
            lines = read(os.path.join(out, f"shard-{k}-of-3.jsonl")).splitlines()
            self.assertEqual(len(lines), 22)  # header + 20 seeds + summary


if __name__ == "__main__":
    unittest.main()
