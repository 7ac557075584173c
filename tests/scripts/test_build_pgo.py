"""The profile-guided build's CMake switch (LEASESIM_PGO, used by
scripts/build-pgo.sh): each phase puts its own GCC flags on our sources and
only there, a wrong phase or another compiler is refused with a message,
and the default build has no profile flags at all.

Configure-only (seconds): the full two-build run takes minutes and checks
itself (it compares verdicts and trace hashes of both builds;
docs/performance.md, round ten)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))


def configure(build_dir, *options):
    return subprocess.run(
        ["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
         "-DLEASESIM_TESTS=OFF", "-DCMAKE_CXX_COMPILER=g++"] + list(options),
        capture_output=True, text=True, timeout=300)


def compile_commands(build_dir):
    """{source path relative to the root: its compile command}"""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    return {os.path.relpath(e["file"], ROOT): e["command"] for e in entries}


class PgoSwitch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="leasesim-pgo-")
        self.build = os.path.join(self.tmp, "build")
        self.profile = os.path.join(self.tmp, "profile")

    def tearDown(self):
        shutil.rmtree(self.tmp, True)

    def test_generate_instruments_every_source_into_the_profile_dir(self):
        r = configure(self.build, "-DLEASESIM_PGO=generate", "-DLEASESIM_PGO_DIR=" + self.profile)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        commands = compile_commands(self.build)
        sources = [f for f in commands if f.startswith("sim/")]
        self.assertGreater(len(sources), 50)
        for f in sources:
            self.assertIn("-fprofile-generate", commands[f], f)
            self.assertIn("-fprofile-dir=" + self.profile, commands[f], f)
            self.assertNotIn("-fprofile-use", commands[f], f)

    def test_use_reads_the_profile_and_keeps_untrained_code_optimised(self):
        r = configure(self.build, "-DLEASESIM_PGO=use", "-DLEASESIM_PGO_DIR=" + self.profile)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        command = compile_commands(self.build)[os.path.join("sim", "world", "world.cpp")]
        for flag in ("-fprofile-use", "-fprofile-dir=" + self.profile,
                     "-fprofile-partial-training"):
            self.assertIn(flag, command)
        self.assertNotIn("-fprofile-generate", command)

    def test_a_wrong_phase_is_refused(self):
        r = configure(self.build, "-DLEASESIM_PGO=train")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LEASESIM_PGO must be empty, generate or use; got 'train'", r.stderr)

    def test_another_compiler_is_refused(self):
        if shutil.which("clang++") is None:
            self.skipTest("clang++ is not installed")
        r = subprocess.run(
            ["cmake", "-S", ROOT, "-B", self.build, "-G", "Ninja", "-DLEASESIM_TESTS=OFF",
             "-DCMAKE_CXX_COMPILER=clang++", "-DLEASESIM_PGO=generate"],
            capture_output=True, text=True, timeout=300)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LEASESIM_PGO needs GCC", r.stderr)

    def test_the_default_build_has_no_profile_flags(self):
        r = configure(self.build)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for f, command in compile_commands(self.build).items():
            self.assertNotIn("-fprofile", command, f)


if __name__ == "__main__":
    unittest.main()
