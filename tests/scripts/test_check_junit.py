"""`leasesim check --junit`: the XML has the shape CI tools read (the JUnit
schema's testsuites/testsuite/testcase/failure/error/skipped elements with
consistent tests/failures/errors/skipped/time attributes), and a
GitHub-Actions-style consumer (junit_annotations.py) finds the failing
scenario by name and points at its file."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEASESIM = os.path.abspath(os.environ.get("LEASESIM", os.path.join(ROOT, "build", "leasesim")))
SCENARIOS = os.path.join(ROOT, "scenarios")
CONSUMER = os.path.join(HERE, "junit_annotations.py")

# What each element may hold and must carry (the common JUnit XSD, as
# Jenkins, GitLab and the GitHub reporters read it).
CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "properties": {"property"},
    "property": set(),
    "testcase": {"failure", "error", "skipped", "system-out", "system-err"},
    "failure": set(), "error": set(), "skipped": set(), "system-out": set(), "system-err": set(),
}
REQUIRED = {
    "testsuites": {"tests", "failures", "errors", "skipped", "time"},
    "testsuite": {"name", "tests", "failures", "errors", "skipped", "time"},
    "property": {"name", "value"},
    "testcase": {"name", "classname", "time"},
    "failure": {"message", "type"},
    "error": {"message", "type"},
}
COUNTS = ("tests", "failures", "errors", "skipped")


def check_shape(test, root):
    """Asserts the document follows the schema; returns the testcases."""
    test.assertEqual(root.tag, "testsuites")

    def walk(el):
        test.assertIn(el.tag, CHILDREN, el.tag)
        test.assertTrue(REQUIRED.get(el.tag, set()) <= set(el.attrib),
                        "%s lacks %s" % (el.tag, REQUIRED.get(el.tag, set()) - set(el.attrib)))
        for child in el:
            test.assertIn(child.tag, CHILDREN[el.tag], "%s inside %s" % (child.tag, el.tag))
            walk(child)
    walk(root)

    def counts(cases):
        return {"tests": len(cases),
                "failures": sum(c.find("failure") is not None for c in cases),
                "errors": sum(c.find("error") is not None for c in cases),
                "skipped": sum(c.find("skipped") is not None for c in cases)}
    cases = []
    for suite in root.findall("testsuite"):
        mine = suite.findall("testcase")
        test.assertEqual({k: int(suite.get(k)) for k in COUNTS}, counts(mine), suite.get("name"))
        test.assertAlmostEqual(float(suite.get("time")),
                               sum(float(c.get("time")) for c in mine), delta=0.01)
        props = suite.find("properties")
        if props is not None:
            test.assertIs(suite[0], props, "properties come first")
        cases += mine
    test.assertEqual({k: int(root.get(k)) for k in COUNTS}, counts(cases))
    for c in cases:
        outcome = [e for e in c if e.tag in ("failure", "error", "skipped")]
        test.assertLessEqual(len(outcome), 1, c.get("name"))
        test.assertGreaterEqual(float(c.get("time")), 0.0)
    return cases


class CheckJunit(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leasesim-junit-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.makedirs(os.path.join(self.dir, "ci", "pause", "bench"))
        os.makedirs(os.path.join(self.dir, "ci", "odd <&> names"))
        shutil.copy(os.path.join(SCENARIOS, "pause", "gc-pause-fencing-on.json"),
                    os.path.join(self.dir, "ci", "pause", "fenced.json"))
        shutil.copy(os.path.join(SCENARIOS, "pause", "gc-pause-fencing-on.json"),
                    os.path.join(self.dir, "ci", "pause", "bench", "slow.json"))
        with open(os.path.join(SCENARIOS, "pause", "gc-pause-fencing-off.json")) as f:
            claims = json.load(f)
        claims["expect"] = {"safety": "holds"}   # it violates: this case must fail
        with open(os.path.join(self.dir, "ci", "pause", "unfenced.json"), "w") as f:
            json.dump(claims, f)
        with open(os.path.join(self.dir, "ci", "odd <&> names", "broken \"q\".json"), "w") as f:
            f.write('{"name": "broken", "duration": "10s", "core": {"heartbeet": "1s"}}')
        self.xml = os.path.join(self.dir, "report.xml")
        self.proc = subprocess.run([LEASESIM, "check", "ci", "--seeds", "1..2", "--junit",
                                    self.xml], cwd=self.dir, capture_output=True, text=True,
                                   timeout=300)

    def test_the_report_has_the_junit_shape(self):
        self.assertEqual(self.proc.returncode, 2, self.proc.stdout + self.proc.stderr)
        root = ET.parse(self.xml).getroot()
        cases = check_shape(self, root)
        by_name = {(c.get("classname"), c.get("name")): c for c in cases}
        # One testcase per scenario x seed; classname from the folder.
        for seed in (1, 2):
            fenced = by_name[("ci.pause", "fenced (seed %d)" % seed)]
            self.assertEqual(list(fenced.iter("failure")), [])
            self.assertEqual(fenced.get("file"), "ci/pause/fenced.json")
            self.assertIn("seed %d: holds" % seed, fenced.find("system-out").text)
            failing = by_name[("ci.pause", "unfenced (seed %d)" % seed)]
            failure = failing.find("failure")
            self.assertEqual(failure.get("type"), "unmet_expectation")
            self.assertEqual(failure.get("message"),
                             "expected safety to hold, found 1 violation(s): stale_write")
            # The violation summary and the replay command are in the text.
            self.assertIn("stale_write at ", failure.text)
            self.assertIn("replay: leasesim run ci/pause/unfenced.json --seed %d" % seed,
                          failure.text)
        # Skipped benchmark folders and files that cannot be loaded.
        slow = by_name[("ci.pause.bench", "slow")]
        self.assertIn("benchmark workload", slow.find("skipped").get("message"))
        broken = by_name[("ci.odd <&> names", 'broken "q"')]
        self.assertEqual(broken.find("error").get("type"), "invalid_scenario")
        self.assertIn("/core/heartbeet", broken.find("error").get("message"))
        self.assertEqual((int(root.get("tests")), int(root.get("failures")),
                          int(root.get("errors")), int(root.get("skipped"))), (6, 2, 1, 1))
        props = {p.get("name"): p.get("value") for p in root.iter("property")}
        self.assertEqual(props["seeds"], "1..2")
        self.assertRegex(props["leasesim.version"], r"^\d+\.\d+\.\d+$")

    def test_a_github_actions_consumer_finds_the_failing_scenario_by_name(self):
        summary = os.path.join(self.dir, "summary.md")
        r = subprocess.run(["/usr/bin/python3", CONSUMER, self.xml], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, GITHUB_STEP_SUMMARY=summary))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        annotations = [l for l in r.stdout.splitlines() if l.startswith("::error ")]
        self.assertEqual(len(annotations), 3, r.stdout)
        self.assertIn("::error file=ci/pause/unfenced.json,title=ci.pause unfenced (seed 1)::"
                      "failure: expected safety to hold, found 1 violation(s): stale_write",
                      annotations)
        self.assertTrue(any("unfenced (seed 2)" in a for a in annotations))
        self.assertTrue(any(a.startswith("::error file=ci/odd <&> names/broken \"q\".json,") and
                            "error: " in a for a in annotations), annotations)
        self.assertNotIn("fenced (seed", "".join(a for a in annotations if "unfenced" not in a))
        self.assertIn("6 test(s), 3 failed, 1 skipped", r.stdout)
        with open(summary) as f:
            table = f.read()
        self.assertIn("| unfenced (seed 1) | ci/pause/unfenced.json | failure |", table)

    def test_a_clean_run_gives_a_report_the_consumer_passes(self):
        xml = os.path.join(self.dir, "clean.xml")
        p = subprocess.run([LEASESIM, "check", "ci/pause/fenced.json", "--junit", xml],
                           cwd=self.dir, capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        check_shape(self, ET.parse(xml).getroot())
        r = subprocess.run(["/usr/bin/python3", CONSUMER, xml], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "1 test(s), 0 failed, 0 skipped\n")


if __name__ == "__main__":
    unittest.main()
