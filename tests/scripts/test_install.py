"""`cmake --install` into a temporary prefix: leasesim and the plot commands
land on PATH, the replay commands leasesim prints work as printed from
there, `run --plot` uses the installed plot script, and the plot commands
find their helper module and honour LEASESIM_PYTHON. Also: every script in
scripts/ with a #! line is executable (in git too).

The build to install is the one of $LEASESIM (default build/leasesim)."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
BUILD = os.path.dirname(LEASESIM)
CANARY = os.path.join(ROOT, "tests", "cli", "data", "canary-naive.json")


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="leasesim-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        assert os.path.exists(os.path.join(BUILD, "cmake_install.cmake")), \
            "%s is not a CMake build directory (set LEASESIM to build/leasesim)" % BUILD
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", cls.prefix],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        # PATH with the prefix and the system only: nothing of the source or
        # build tree is reachable by name.
        cls.env = dict(os.environ, PATH=os.path.join(cls.prefix, "bin") + ":/usr/bin:/bin",
                       MPLBACKEND="Agg")
        cls.env.pop("LEASESIM_PYTHON", None)
        cls.work = os.path.join(cls.tmp, "work")
        os.makedirs(cls.work)
        shutil.copy(CANARY, os.path.join(cls.work, "canary.json"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def sh(self, command, env=None):
        """Runs a command line as a user types it, in the work folder."""
        return subprocess.run(["bash", "-c", command], cwd=self.work, env=env or self.env,
                              capture_output=True, text=True, timeout=300)

    def test_commands_are_on_path(self):
        for name in ("leasesim", "leasesim-plot-timeline", "leasesim-plot-handoffs",
                     "leasesim-plot-sweep", "leasesim-plot-compare"):
            path = os.path.join(self.prefix, "bin", name)
            self.assertTrue(os.access(path, os.X_OK), path)
            r = self.sh("command -v %s" % name)
            self.assertEqual(r.stdout.strip(), path)
        r = self.sh("leasesim --version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^leasesim \d+\.\d+\.\d+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n$")

    def test_printed_replay_commands_work_as_printed(self):
        r = self.sh("leasesim explore canary.json --seeds 1..6 --jobs 1 --progress none "
                    "--out r.jsonl")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)   # the canary fails
        # Per-seed lines (stderr) and the summary (stdout) both print them.
        printed = sorted(set(re.findall(r"(?:reproduce|or): (leasesim (?:run|explore) .+)$",
                                        r.stdout + r.stderr, re.M)))
        self.assertTrue(any(c.startswith("leasesim run ") for c in printed), printed)
        self.assertTrue(any(c.startswith("leasesim explore ") for c in printed), printed)
        (trace,) = re.findall(r"seed 1: VIOLATION .*, trace ([0-9a-f]{16})", r.stderr)
        for command in printed:
            with self.subTest(command=command):
                p = self.sh(command)
                self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
                self.assertIn(trace, p.stdout + p.stderr)   # the same run
        # The CSV's replay column too.
        csv = self.sh("leasesim results r.jsonl --csv")
        self.assertEqual(csv.returncode, 0, csv.stderr)
        header, *rows = csv.stdout.splitlines()
        col = header.split(",").index("replay")
        replay = rows[0].split(",")[col].strip('"')
        self.assertTrue(replay.startswith("leasesim "), replay)
        p = self.sh(replay)
        self.assertIn(p.returncode, (0, 1), p.stdout + p.stderr)

    def test_every_helper_module_is_installed(self):
        # The plot scripts import the modules beside them (leasesim_trace.py
        # and its parts, the parts of plot_timeline.py): each one of them,
        # every scripts/*.py without a #! line, must be installed with them.
        scripts = os.path.join(ROOT, "scripts")
        installed = os.path.join(self.prefix, "share", "leasesim", "scripts")
        modules = []
        for name in sorted(os.listdir(scripts)):
            if name.endswith(".py"):
                with open(os.path.join(scripts, name), "rb") as f:
                    if f.read(2) != b"#!":
                        modules.append(name)
        self.assertIn("leasesim_trace.py", modules)
        for name in modules:
            self.assertTrue(os.path.isfile(os.path.join(installed, name)),
                            "scripts/%s is not installed (CMakeLists.txt install(FILES ...))"
                            % name)

    def test_run_plot_uses_the_installed_script(self):
        # Mark the installed copy, so a picture drawn by the source tree's
        # script (the fallback of a binary run in its build tree) would show.
        installed = os.path.join(self.prefix, "share", "leasesim", "scripts", "plot_timeline.py")
        marker = os.path.join(self.tmp, "installed-script-ran")
        with open(installed, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("\nimport argparse\n", text)
        with open(installed, "w", encoding="utf-8") as f:
            f.write(text.replace("\nimport argparse\n",
                                 "\nimport argparse\nopen(%r, 'w').close()\n" % marker, 1))
        try:
            r = self.sh("leasesim run canary.json --plot t.png")
        finally:
            with open(installed, "w", encoding="utf-8") as f:
                f.write(text)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertTrue(os.path.exists(marker), "run --plot did not use " + installed)
        with open(os.path.join(self.work, "t.png"), "rb") as f:
            self.assertEqual(f.read(4), b"\x89PNG")

    def test_plot_commands_find_their_module_and_honour_leasesim_python(self):
        r = self.sh("leasesim run canary.json --seed 2 --trace t2.jsonl >/dev/null; "
                    "leasesim run canary.json --seed 3 --trace t3.jsonl >/dev/null; "
                    "leasesim-plot-timeline t2.jsonl tl.svg && "
                    "leasesim-plot-handoffs t2.jsonl t3.jsonl h.png")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("canary-naive, raft-lease, preset naive (2 seeds)", r.stdout)
        self.assertGreater(os.path.getsize(os.path.join(self.work, "tl.svg")), 10000)
        # Reached through a link elsewhere, the command still finds its script.
        os.symlink(os.path.join(self.prefix, "bin", "leasesim-plot-timeline"),
                   os.path.join(self.work, "my-plot"))
        r = self.sh("./my-plot t2.jsonl link.png")
        self.assertEqual(r.returncode, 0, r.stderr)
        # LEASESIM_PYTHON picks the interpreter: one without matplotlib fails
        # with both remedies named.
        bare = os.path.join(self.tmp, "python-no-mpl")
        with open(bare, "w") as f:
            f.write("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
        os.chmod(bare, 0o755)
        r = self.sh("leasesim-plot-timeline t2.jsonl x.png", env=dict(self.env,
                                                                      LEASESIM_PYTHON=bare))
        self.assertEqual(r.returncode, 2)
        self.assertIn("apt-get install python3-matplotlib", r.stderr)
        self.assertIn("LEASESIM_PYTHON", r.stderr)


class ScriptModes(unittest.TestCase):
    def test_scripts_with_a_shebang_are_executable(self):
        scripts = os.path.join(ROOT, "scripts")
        names = []
        for name in sorted(os.listdir(scripts)):
            path = os.path.join(scripts, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                if f.read(2) != b"#!":
                    continue
            names.append(name)
            self.assertTrue(os.access(path, os.X_OK), "scripts/%s is not executable" % name)
        self.assertIn("plot_timeline.py", names)
        self.assertIn("plot_handoffs.py", names)
        if shutil.which("git") and os.path.exists(os.path.join(ROOT, ".git")):
            r = subprocess.run(["git", "ls-files", "-s", "scripts"], cwd=ROOT,
                               capture_output=True, text=True)
            if r.returncode == 0 and r.stdout:
                modes = {line.split()[3][len("scripts/"):]: line.split()[0]
                         for line in r.stdout.splitlines()}
                for name in names:
                    if name in modes:
                        self.assertEqual(modes[name], "100755",
                                         "scripts/%s is not executable in git" % name)


if __name__ == "__main__":
    unittest.main()
