"""Every ```sh block of the docs listed in DOCS runs, as printed, so the
docs cannot go stale: each block's commands run in order, in one scratch
folder per document that looks like the repository's root (scenarios/,
scripts/, tests/ and build/leasesim reachable, `leasesim` on PATH). A
leasesim command (or a `for` loop of them) must exit 0 or 1 (1: "a violation
was found", which several examples show on purpose); 2 (bad input or usage)
or anything else fails the test. Any other command (cmp, a script) must
exit 0.
A ```python block runs with /usr/bin/python3 in the same folder after the
shell blocks before it, and must exit 0. Blocks fenced otherwise (```text,
```json) are output or input, not commands."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
DOCS = ["docs/exploration.md", "docs/scaling.md", "docs/cli.md", "docs/analysis.md"]
FENCE = re.compile(r"^```(\w*)\s*$")


def blocks(path):
    """[(language, text)] of the fenced blocks of a markdown file, in order."""
    out, lang, body = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = FENCE.match(line.rstrip("\n"))
            if m and lang is None:
                lang, body = m.group(1) or "text", []
            elif line.rstrip("\n") == "```" and lang is not None:
                out.append((lang, "".join(body)))
                lang = None
            elif lang is not None:
                body.append(line)
    return out


def commands(text):
    """The commands of a shell block: continuation lines joined, comments and
    blank lines dropped."""
    out, cur = [], ""
    for line in text.split("\n"):
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        cur += line
        if cur.strip() and not cur.strip().startswith("#"):
            out.append(cur.strip())
        cur = ""
    return out


class DocCommands(unittest.TestCase):
    def scratch(self):
        d = tempfile.mkdtemp(prefix="leasesim-doc-")
        self.addCleanup(shutil.rmtree, d, True)
        for name in ("scenarios", "scripts", "tests", "docs"):
            os.symlink(os.path.join(ROOT, name), os.path.join(d, name))
        os.makedirs(os.path.join(d, "build"))
        os.symlink(LEASESIM, os.path.join(d, "build", "leasesim"))
        bin_dir = os.path.join(d, ".bin")
        os.makedirs(bin_dir)
        os.symlink(LEASESIM, os.path.join(bin_dir, "leasesim"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                   MPLBACKEND="Agg")
        return d, env

    def run_doc(self, doc):
        d, env = self.scratch()
        ran = 0
        for lang, text in blocks(os.path.join(ROOT, doc)):
            if lang == "sh":
                for cmd in commands(text):
                    r = subprocess.run(["bash", "-c", cmd], cwd=d, env=env, capture_output=True,
                                       text=True, timeout=300)
                    ok = (0, 1) if cmd.split()[0] in ("leasesim", "build/leasesim", "for") else (0,)
                    self.assertIn(r.returncode, ok,
                                  "%s: `%s` exited %d\n%s%s" % (doc, cmd, r.returncode, r.stdout,
                                                               r.stderr))
                    ran += 1
            elif lang == "python":
                r = subprocess.run(["/usr/bin/python3", "-c", text], cwd=d, env=env,
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(r.returncode, 0, "%s: python block failed\n%s%s\n%s"
                                 % (doc, r.stdout, r.stderr, text))
                ran += 1
        self.assertGreater(ran, 0, "%s has no ```sh block" % doc)
        return d

    def test_exploration(self):
        d = self.run_doc("docs/exploration.md")
        # What the page says the commands leave behind.
        for f in ("results.jsonl", "naive.failures/seed-1.json", "minimal.json",
                  "presets.failures/cell-3-seed-3.json", "runs/seed-18.json", "heatmap.png",
                  "compare.csv"):
            self.assertTrue(os.path.exists(os.path.join(d, f)), f)

    def test_scaling(self):
        self.run_doc("docs/scaling.md")

    def test_cli(self):
        self.run_doc("docs/cli.md")

    def test_analysis(self):
        self.run_doc("docs/analysis.md")


if __name__ == "__main__":
    unittest.main()
