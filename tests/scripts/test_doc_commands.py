"""Every command block of README.md and of every docs/*.md runs, as printed,
so the docs cannot go stale.

The convention (docs/reliability.md#docs-that-run):
  * a ```sh block holds commands: they run in order, in one scratch folder
    per document that looks like the repository's root (scenarios/,
    scripts/, tests/, docs/ and the build folder as build/), with an
    installed leasesim (`cmake --install` into a temporary prefix) first on
    PATH, so `leasesim ...` and `leasesim-plot-* ...` run as a user who
    followed the quick start types them;
  * a leasesim command (or a `for` loop of them) must exit 0 or 1 (1: "a
    violation was found", which several examples show on purpose); 2 (bad
    input or usage) or anything else fails the test. Any other command must
    exit 0;
  * a ```python block runs with /usr/bin/python3 in the same folder after the
    blocks before it, and must exit 0;
  * a block that must not run (it installs system packages, submits to a
    cluster, takes a quarter of an hour) is marked by the line right before
    its fence: `<!-- doc-test: skip: REASON -->`. The reason is required and
    such blocks are kept few (MAX_SKIPPED);
  * ```text, ```json and ```yaml blocks are output or input, never commands;
    a ```text block that starts a line with a command (`leasesim ...`,
    `scripts/...`, `cmake ...`, `sbatch ...`; a synopsis with <placeholders>
    aside) fails the test, and so does an indented code block: mark it ```sh
    (and skip it, if it must not run)."""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
BUILD = os.path.dirname(LEASESIM)
DOCS = ["README.md"] + sorted(os.path.relpath(p, ROOT)
                              for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))
FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"^<!-- doc-test: skip: (.+?) -->$")
MAX_SKIPPED = 8
PLACEHOLDER = re.compile(r"<[a-z-]+>")
COMMAND_WORDS = re.compile(r"^(leasesim|build/leasesim|scripts/|cmake |sbatch |srun |parallel |"
                           r"job=|python3 |/usr/bin/python3 )")


def blocks(path):
    """[(language, text, skip_reason, first_line)] of the fenced blocks of a
    markdown file, in order."""
    out, lang, body, skip, start, previous = [], None, [], None, 0, ""
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = FENCE.match(line)
            if m and lang is None:
                lang, body, start = m.group(1) or "text", [], n
                sm = SKIP.match(previous.strip())
                skip = sm.group(1) if sm else None
            elif line == "```" and lang is not None:
                out.append((lang, "".join(body), skip, start))
                lang = None
            elif lang is not None:
                body.append(raw)
            previous = line
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
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="leasesim-doc-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", cls.prefix],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, "cmake --install %s failed:\n%s%s" % (BUILD, r.stdout, r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def scratch(self):
        d = tempfile.mkdtemp(prefix="doc-", dir=self.tmp)
        for name in ("scenarios", "scripts", "tests", "docs"):
            os.symlink(os.path.join(ROOT, name), os.path.join(d, name))
        os.symlink(BUILD, os.path.join(d, "build"))
        env = dict(os.environ, PATH=os.path.join(self.prefix, "bin") + os.pathsep
                   + os.environ.get("PATH", ""), MPLBACKEND="Agg")
        env.pop("LEASESIM_PYTHON", None)
        return d, env

    def run_doc(self, doc):
        d, env = self.scratch()
        ran = 0
        for lang, text, skip, line in blocks(os.path.join(ROOT, doc)):
            if skip is not None:
                continue
            where = "%s:%d" % (doc, line)
            if lang == "sh":
                for cmd in commands(text):
                    r = subprocess.run(["bash", "-c", cmd], cwd=d, env=env, capture_output=True,
                                       text=True, timeout=600)
                    first = cmd.split()[0]
                    ok = (0, 1) if first in ("leasesim", "build/leasesim", "for") else (0,)
                    self.assertIn(r.returncode, ok, "%s: `%s` exited %d\n%s%s"
                                  % (where, cmd, r.returncode, r.stdout, r.stderr))
                    ran += 1
            elif lang == "python":
                r = subprocess.run(["/usr/bin/python3", "-c", text], cwd=d, env=env,
                                   capture_output=True, text=True, timeout=600)
                self.assertEqual(r.returncode, 0, "%s: python block failed\n%s%s\n%s"
                                 % (where, r.stdout, r.stderr, text))
                ran += 1
            elif lang not in ("text", "json", "yaml", "cpp", "cmake"):
                self.fail("%s: a ```%s block: use sh or python for commands; text, json, "
                          "yaml, cpp or cmake for the rest" % (where, lang))
        return d, ran

    def test_every_doc_is_covered(self):
        # Each markdown file of README.md and docs/ has a test below.
        covered = {name[len("test_"):] for name in dir(self) if name.startswith("test_")}
        for doc in DOCS:
            key = os.path.splitext(os.path.basename(doc))[0].lower().replace("-", "_")
            self.assertIn(key, covered, "%s has no test_%s in this file" % (doc, key))

    def test_skipped_blocks_are_few_and_say_why(self):
        skipped = []
        for doc in DOCS:
            for lang, text, skip, line in blocks(os.path.join(ROOT, doc)):
                if skip is not None:
                    self.assertEqual(lang, "sh", "%s:%d: only ```sh blocks are skipped" % (doc, line))
                    self.assertGreater(len(skip.strip()), 10, "%s:%d: say why" % (doc, line))
                    skipped.append("%s:%d" % (doc, line))
        self.assertLessEqual(len(skipped), MAX_SKIPPED, skipped)

    def test_commands_do_not_hide_in_text_blocks(self):
        for doc in DOCS:
            # Nor in indented code blocks outside fences.
            fenced = False
            with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
                for n, l in enumerate(f, 1):
                    if l.startswith("```"):
                        fenced = not fenced
                    elif not fenced and l.startswith("    "):
                        self.assertIsNone(COMMAND_WORDS.match(l.strip()),
                                          "%s:%d: an indented command (use a ```sh block): %s"
                                          % (doc, n, l.strip()))
            for lang, text, skip, line in blocks(os.path.join(ROOT, doc)):
                if lang != "text":
                    continue
                for n, l in enumerate(text.split("\n")):
                    if PLACEHOLDER.search(l):
                        continue   # a synopsis ("leasesim <command> [options]"), not a command
                    self.assertIsNone(COMMAND_WORDS.match(l),
                                      "%s:%d: a command in a ```text block (make it ```sh): %s"
                                      % (doc, line + 1 + n, l))

    def test_readme(self):
        self.run_doc("README.md")

    def test_analysis(self):
        self.run_doc("docs/analysis.md")

    def test_writing_a_protocol(self):
        self.run_doc("docs/writing-a-protocol.md")
        # Its code listings are excerpts of real code: every function or type
        # they call or name must exist in the headers, the sources or the
        # test-tree protocol they walk through, so the guide cannot drift
        # from the API it teaches.
        source = []
        for pattern in ("include/**/*.hpp", "sim/**/*.cpp", "sim/**/*.hpp", "tests/plugin/*.?pp",
                        "CMakeLists.txt", "tests/CMakeLists.txt"):
            for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
                with open(path, encoding="utf-8") as f:
                    source.append(f.read())
        source = "\n".join(source)
        names = set()
        for lang, text, skip, line in blocks(os.path.join(ROOT, "docs/writing-a-protocol.md")):
            if lang in ("cpp", "cmake"):
                names |= set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]{3,})\s*[(<{]", text))
        self.assertGreater(len(names), 20)
        missing = sorted(n for n in names if not re.search(r"\b%s\b" % re.escape(n), source))
        self.assertEqual(missing, [], "docs/writing-a-protocol.md names what the code does not have")

    def test_architecture(self):
        self.run_doc("docs/architecture.md")

    def test_cli(self):
        d, ran = self.run_doc("docs/cli.md")
        self.assertGreater(ran, 10)
        self.assertTrue(os.path.exists(os.path.join(d, "report.xml")))

    def test_exploration(self):
        d, _ = self.run_doc("docs/exploration.md")
        # What the page says the commands leave behind.
        for f in ("results.jsonl", "naive.failures/seed-1.json", "minimal.json",
                  "presets.failures/cell-3-seed-9.json", "runs/seed-18.json", "heatmap.png",
                  "compare.csv"):
            self.assertTrue(os.path.exists(os.path.join(d, f)), f)

    def test_fidelity(self):
        self.run_doc("docs/fidelity.md")

    def test_performance(self):
        self.run_doc("docs/performance.md")

    def test_protocol(self):
        self.run_doc("docs/protocol.md")

    def test_protocols(self):
        self.run_doc("docs/protocols.md")

    def test_reliability(self):
        self.run_doc("docs/reliability.md")

    def test_scaling(self):
        self.run_doc("docs/scaling.md")

    def test_scenario_format(self):
        self.run_doc("docs/scenario-format.md")

    def test_scenario_library(self):
        self.run_doc("docs/scenario-library.md")

    def test_trace_format(self):
        self.run_doc("docs/trace-format.md")

    def test_visualization(self):
        d, _ = self.run_doc("docs/visualization.md")
        for f in ("timeline.png", "out/d/timeline.svg", "failover.png", "handoffs.png",
                  "seeds.png", "default.json", "out/d/trace.chrome.json"):
            self.assertTrue(os.path.exists(os.path.join(d, f)), f)


if __name__ == "__main__":
    unittest.main()
