"""`leasesim run --trace-format chrome`: Chrome Trace Event JSON that
ui.perfetto.dev and chrome://tracing open. Validated for structure, and its
slices checked against the JSONL trace of the same run."""

import json
import unittest
from collections import defaultdict

import viz_support as vs

import leasesim_trace as lt  # noqa: E402

REQUIRED = {"ph", "pid", "tid", "ts", "name"}
PHASES = set("BEXisfbeCM")


def validate(test, doc):
    """Structure: required keys, every B has an E (same name, properly nested),
    timestamps monotonic per track, flows and async spans paired."""
    test.assertIsInstance(doc, dict)
    events = doc["traceEvents"]
    test.assertIsInstance(events, list)
    stacks = defaultdict(list)
    last_ts = {}
    flows_s, flows_f = {}, {}
    async_open = {}
    names = {}
    for i, e in enumerate(events):
        missing = REQUIRED - set(e)
        test.assertFalse(missing, "event %d lacks %s: %s" % (i, missing, e))
        ph = e["ph"]
        test.assertIn(ph, PHASES, e)
        test.assertIsInstance(e["ts"], (int, float), e)
        test.assertIsInstance(e["name"], str, e)
        track = (e["pid"], e["tid"])
        if ph == "M":
            test.assertIn(e["name"], ("process_name", "thread_name", "process_sort_index",
                                      "thread_sort_index"))
            if e["name"] == "thread_name":
                names[track] = e["args"]["name"]
            continue
        test.assertGreaterEqual(e["ts"], last_ts.get(track, float("-inf")),
                                "timestamps go back on track %s at event %d" % (track, i))
        last_ts[track] = e["ts"]
        if ph == "B":
            stacks[track].append(e["name"])
        elif ph == "E":
            test.assertTrue(stacks[track], "E without B on %s: %s" % (track, e))
            test.assertEqual(stacks[track].pop(), e["name"], "E closes another slice: %s" % e)
        elif ph == "X":
            test.assertGreaterEqual(e["dur"], 0, e)
        elif ph == "i":
            test.assertIn(e.get("s"), ("t", "p", "g"), e)
        elif ph == "s":
            test.assertNotIn(e["id"], flows_s, "flow id reused: %s" % e)
            flows_s[e["id"]] = e
        elif ph == "f":
            test.assertIn(e["id"], flows_s, "flow end before its start: %s" % e)
            test.assertNotIn(e["id"], flows_f)
            test.assertEqual(e.get("bp"), "e")
            flows_f[e["id"]] = e
        elif ph == "b":
            key = (e["cat"], e["id"])
            test.assertNotIn(key, async_open, e)
            async_open[key] = e
        elif ph == "e":
            key = (e["cat"], e["id"])
            test.assertIn(key, async_open, "async end without begin: %s" % e)
            test.assertEqual(async_open.pop(key)["name"], e["name"])
        elif ph == "C":
            test.assertTrue(e["args"], e)
            for v in e["args"].values():
                test.assertIsInstance(v, (int, float), e)
    for track, stack in stacks.items():
        test.assertEqual(stack, [], "B without E on %s" % (track,))
    test.assertEqual(async_open, {}, "async spans left open")
    test.assertEqual(set(flows_s), set(flows_f), "flows without an end")
    # Every track that has events is named.
    for track in last_ts:
        if track[1] != 0:
            test.assertIn(track, names, "unnamed track %s" % (track,))
    return events, names


class ChromeTrace(unittest.TestCase):
    def load(self, run):
        doc = json.loads(run.chrome.read_text())
        events, names = validate(self, doc)
        return doc, events, names

    def check_against_jsonl(self, run):
        doc, events, names = self.load(run)
        tr = lt.read_trace(run.trace)
        # Beliefs: one slice per belief_interval (instants for zero-length ones),
        # on the resource's tracks, with the same true-time bounds.
        slices = []
        for e in events:
            if e.get("cat") == "belief" and e["ph"] in ("B", "X"):
                slices.append((names[(e["pid"], e["tid"])].split(" (")[0], e["name"],
                               round(e["ts"] * 1000)))
        expect = [(b.resource, b.holder, b.start) for b in tr.beliefs]
        self.assertEqual(sorted(slices), sorted(expect))
        ends = sorted(round(e["ts"] * 1000) for e in events
                      if e.get("cat") == "belief" and e["ph"] == "E")
        self.assertEqual(ends, sorted(b.end for b in tr.beliefs if b.end > b.start))
        # Core record: one slice per grant.
        core = [e for e in events if e.get("cat") == "core" and e["ph"] in ("B", "X")]
        self.assertEqual(len(core), len(tr.core))
        # Violations: one span or instant each.
        vio = [e for e in events if e.get("cat") == "violation" and e["ph"] in ("b", "i")]
        self.assertEqual(len(vio), len(tr.violations))
        # Roles: a slice per role record, on the server's track.
        roles = [e for e in events if e.get("cat") == "role" and e["ph"] == "B"
                 and not e["name"].startswith("crashed")]
        self.assertEqual(len(roles), sum(len(r) for r in tr.roles.values()))
        # Messages: flows, capped.
        flows = [e for e in events if e["ph"] == "s"]
        self.assertGreater(len(flows), 0)
        self.assertLessEqual(len(flows), doc["otherData"]["flow_cap"])
        self.assertEqual(doc["otherData"]["messages"], len(tr.sends))
        return doc, events, names, tr

    def test_default(self):
        doc, events, names, tr = self.check_against_jsonl(vs.default_run())
        self.assertIn("servers", [e["args"]["name"] for e in events
                                  if e["ph"] == "M" and e["name"] == "process_name"])
        self.assertTrue(any(e["name"] == "crash" for e in events))
        self.assertTrue(any(e["name"] == "isolated" and e["ph"] == "b" for e in events))
        self.assertIn("db", names.values())
        self.assertIn("db core record", names.values())

    def test_violation(self):
        doc, events, names, tr = self.check_against_jsonl(vs.violation_run())
        # Overlapping beliefs get their own track.
        self.assertIn("db (overlap 2)", names.values())
        # The leader's clock step shows in its clock offset counter.
        offsets = [e["args"]["ms"] for e in events
                   if e["ph"] == "C" and e["name"] == "clock offset n1"]
        self.assertIn(4000, offsets)
        partition = [e for e in events if e["ph"] == "b" and e["name"] == "partition"]
        self.assertEqual(partition[0]["args"]["groups"], "n1, n2 | n3, n4, n5")

    def test_large_trace_caps_flows(self):
        doc, events, names = self.load(vs.large_run())
        self.assertGreater(doc["otherData"]["messages"], doc["otherData"]["flow_cap"])
        self.assertLessEqual(sum(1 for e in events if e["ph"] == "s"),
                             doc["otherData"]["flow_cap"])

    def test_trace_file(self):
        out = vs.tmpdir() / "chrome-only.json"
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--trace", out,
                           "--trace-format", "chrome", "--until", "5s")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        validate(self, json.loads(out.read_text()))

    def test_open_spans_close_at_the_runs_end(self):
        # A run cut short at 300 events: the leader's role slice and the
        # other open spans end where the run stopped (the trace's run_end),
        # marked by a "run end" instant, not at the last record before it.
        run = vs.run(vs.ROOT / "scenarios" / "default.json", "--max-events", "300")
        doc, events, names = self.load(run)
        end_us = run.report["end_ns"] / 1000
        marks = [e for e in events if e["ph"] == "i" and e["name"].startswith("run end")]
        self.assertEqual([(m["name"], m["ts"]) for m in marks],
                         [("run end (event_budget)", end_us)])
        roles = [e for e in events if e.get("cat") == "role" and e["ph"] == "E"]
        self.assertTrue(roles)
        self.assertEqual(max(e["ts"] for e in roles), end_us)

    def test_usage_errors(self):
        scenario = vs.ROOT / "scenarios" / "default.json"
        proc = vs.leasesim("run", scenario, "--trace-format", "chrome")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--trace-format chrome needs --trace FILE or --out DIR", proc.stderr)
        proc = vs.leasesim("run", scenario, "--trace-format", "xml", "--trace", "x")
        self.assertEqual(proc.returncode, 2)
        self.assertIn('expected jsonl or chrome, found "xml"', proc.stderr)


if __name__ == "__main__":
    unittest.main()
