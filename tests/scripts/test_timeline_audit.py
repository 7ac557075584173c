"""scripts/plot_timeline.py: what an audit of the student-facing timeline
found missing or misleading, each pinned by a run that showed it."""

import json
import re
import unittest

import viz_support as vs

import leasesim_trace as lt  # noqa: E402  (viz_support puts scripts/ on the path)
import plot_timeline as pt  # noqa: E402


def hidden_violation_run():
    # Violations on db (an overlap after a leader's clock step), while three
    # clients keep the resource "busy" far busier.
    return vs.run(vs.DATA / "hidden-violation.json")


class ViolatedLanesAreKept(unittest.TestCase):
    def test_a_violated_resource_is_kept_before_busier_ones(self):
        tr = lt.read_trace(hidden_violation_run().trace)
        self.assertTrue(any(v.resource == "db" for v in tr.violations))
        held = {r: sum(1 for b in tr.beliefs if b.resource == r) for r in tr.resources}
        self.assertGreater(held["busy"], held["db"])
        model = pt.Model(tr, pt.Options(max_lanes=1))
        self.assertEqual(model.resources, ["db"])
        self.assertEqual(model.hidden_resources, 1)
        self.assertEqual(len(model.violations), len(tr.violations))
        self.assertEqual(model.hidden_violations, 0)

    def test_a_violation_on_a_lane_left_out_is_said(self):
        tr = lt.read_trace(hidden_violation_run().trace)
        model = pt.Model(tr, pt.Options(resources=["busy"]))
        n = sum(1 for v in tr.violations if v.resource == "db")
        self.assertEqual(model.hidden_violations, n)
        self.assertIn("%d violations in the window on resource not drawn: db" % n,
                      model.violation_texts[-1])


def numbered_in_report(run):
    """{number: (kind, from in ns)} of the violations the text report numbers."""
    out = {}
    for m in re.finditer(r"^  (\d+)\. (\w+)(?: \(warning\))?  (\d+)\.(\d{6})s",
                         (run.dir / "report.txt").read_text(), re.M):
        out[int(m.group(1))] = (m.group(2), int(m.group(3)) * lt.NS_PER_S +
                                int(m.group(4)) * 1000)
    return out


class ViolationNumbersAreTheReports(unittest.TestCase):
    def check(self, run):
        tr = lt.read_trace(run.trace)
        told = numbered_in_report(run)
        self.assertTrue(told)
        for number, (kind, start) in told.items():
            v = [v for v in tr.violations if v.report_number == number]
            self.assertEqual(len(v), 1, number)
            self.assertEqual((v[0].kind, v[0].start // 1000 * 1000), (kind, start), number)
        self.assertEqual(sorted(v.report_number for v in tr.violations),
                         list(range(1, len(tr.violations) + 1)))
        return tr

    def test_failures_before_warnings(self):
        # The latent overlap is detected before the overlap; the report
        # lists the overlap first.
        run = vs.violation_run()
        tr = self.check(run)
        self.assertEqual([v.kind for v in tr.violations], ["latent_overlap", "overlap"])
        model = pt.Model(tr, pt.Options())
        self.assertTrue(model.violation_texts[0].startswith("[1] " + tr.violations[1].summary))
        self.assertTrue(model.violation_texts[1].startswith("[2] " + tr.violations[0].summary))

    def test_a_window_keeps_the_numbers(self):
        run = vs.run(vs.ROOT / "scenarios" / "network" / "duplicates-resource-keying.json")
        tr = self.check(run)
        self.assertGreater(len(tr.violations), 3)
        # A window after the report's [1]: the first text is not "[1]".
        first = min(tr.violations, key=lambda v: v.report_number)
        model = pt.Model(tr, pt.Options(start=first.end + 1))
        self.assertTrue(model.violations)
        self.assertNotIn(first, model.violations)
        shown = sorted(model.violations, key=lambda v: v.report_number)[:8]
        self.assertGreater(shown[0].report_number, 1)
        for v, text in zip(shown, model.violation_texts):
            self.assertTrue(text.startswith("[%d] %s" % (v.report_number, v.summary)), text)
        self.assertEqual(model.told_numbers, {v.report_number for v in shown})


def without_run_end(run, name):
    """The run's trace as leasesim wrote it before 2026-12-07: no run_end."""
    old = vs.tmpdir() / name
    old.write_text("".join(line for line in run.trace.read_text().splitlines(True)
                           if '"k":"run_end"' not in line))
    return lt.read_trace(old)


class BarsLastToTheRunsEnd(unittest.TestCase):
    """What lasts to the end of the run is drawn to it, not to the trace's
    last record before it: the trace's run_end record says where the run
    ended (`leasesim run --plot` also passes it as --to)."""

    def test_a_run_shorter_than_its_first_election(self):
        run = vs.run(vs.ROOT / "scenarios" / "default.json", "--until", "100ms")
        tr = lt.read_trace(run.trace)
        end = run.report["end_ns"]
        self.assertEqual(end, 100 * 1000 * 1000)
        self.assertEqual(tr.end, end)  # from run_end: nothing else happens after 0
        self.assertEqual(tr.end_reason, "completed")
        # Without run_end, the trace's last record is at 0.
        self.assertLess(without_run_end(run, "short-old.jsonl").end, end)
        for opts in (pt.Options(end=end), pt.Options()):
            model = pt.Model(tr, opts)
            self.assertEqual(model.servers, ["n1", "n2", "n3", "n4", "n5"])
            for n in model.servers:
                spans = model.role_spans(n)
                self.assertTrue(spans, n)
                self.assertEqual(spans[-1][1], end, n)
                self.assertGreater(spans[-1][1], spans[-1][0], n)

    def test_roles_and_open_core_records_reach_the_end(self):
        run = vs.default_run()
        tr = lt.read_trace(run.trace)
        end = run.report["end_ns"]
        model = pt.Model(tr, pt.Options(end=end))
        for n in model.servers:
            if n not in [sp.node for sp in tr.spans if sp.kind == "down" and sp.open]:
                self.assertEqual(model.role_spans(n)[-1][1], end, n)
        still = [c for c in tr.core if c.freed is None]
        self.assertTrue(still)
        for c in still:
            self.assertIn((c.holder, c.granted, end, None), model.core[c.resource])

    def test_an_open_fault_reaches_the_end(self):
        # alice crashes at 10 s and is never restarted: down to the end.
        run = vs.run(vs.ROOT / "scenarios" / "basics" / "holder-crash-handoff.json",
                     "--until", "12s")
        tr = lt.read_trace(run.trace)
        end = run.report["end_ns"]
        self.assertEqual(tr.end, end)
        self.assertEqual([(sp.kind, sp.node) for sp in tr.spans if sp.open], [("down", "alice")])
        for opts in (pt.Options(end=end), pt.Options()):
            model = pt.Model(tr, opts)
            self.assertTrue(all(sp.end == end for sp in model.spans if sp.open))
        # A trace without run_end (before 2026-12-07) ends at its last record
        # (most records are not parsed), earlier than the run; --to still
        # draws the open fault to the run's end, and without it the fault
        # ends at that record.
        old = without_run_end(run, "crash-old.jsonl")
        last = json.loads(run.trace.read_text().splitlines()[-2])["t"]
        self.assertEqual(old.end, last)
        self.assertLess(old.end, end)
        self.assertTrue(all(sp.end == end for sp in pt.Model(old, pt.Options(end=end)).spans
                            if sp.open))
        self.assertTrue(all(sp.end == old.end for sp in pt.Model(old, pt.Options()).spans
                            if sp.open))


def write_trace(name, records):
    """A small trace from (t, lt, node, kind, fields) tuples."""
    path = vs.tmpdir() / name
    with open(path, "w", encoding="utf-8") as f:
        for t, lt_, n, k, fields in records:
            f.write(json.dumps(dict([("t", t), ("lt", lt_), ("n", n), ("k", k)] +
                                    list(fields.items())), separators=(",", ":")) + "\n")
    return path


class ClocksFromClockInit(unittest.TestCase):
    """A node's clock is rebuilt from its clock_init, drift and clock_step
    records: known from 0, not only from its first sampled record, and
    drifting on after its last."""
    S = lt.NS_PER_S

    def trace(self):
        S = self.S
        # n2's wall clock starts 5 s ahead and gains 1% (10,000,000 ppb);
        # from 4 s it runs true (drift 0); at 6 s it is stepped back 2 s.
        # Its only records are a role at 3 s and the changes; n1 runs to 10 s.
        def n2(t):
            if t < 4 * S:
                return 5 * S + t + t // 100
            return 5 * S + 4 * S + 4 * S // 100 + (t - 4 * S) - (2 * S if t >= 6 * S else 0)
        recs = [(0, 0, None, "header", {"version": "0.1.0", "scenario": "clock", "file": "",
                                         "seed": 1, "protocol": "raft-lease", "preset": "seed"}),
                (0, 0, "n1", "clock_init", {"offset": 0, "ppb": 0}),
                (0, 5 * S, "n2", "clock_init", {"offset": 5 * S, "ppb": 10000000}),
                (1 * S, 1 * S, "n1", "role", {"role": "leader", "term": 1}),
                (3 * S, n2(3 * S), "n2", "role", {"role": "follower", "term": 1}),
                (4 * S, n2(4 * S), "n2", "drift", {"ppb": 0, "offset": n2(4 * S) - 4 * S}),
                (6 * S, n2(6 * S), "n2", "clock_step", {"by": -2 * S,
                                                         "offset": n2(6 * S) - 6 * S})]
        recs += [(t * S, t * S, "n1", "timer", {"timer": 1, "arg": 0}) for t in range(2, 11)]
        return lt.read_trace(write_trace("clock.jsonl", recs)), n2

    def test_transform_is_exact_before_the_first_and_after_the_last_record(self):
        tr, n2 = self.trace()
        X = pt.make_transform(tr, "n2")
        for t in (0, self.S // 2, 2 * self.S, 3 * self.S, 5 * self.S, 7 * self.S, 10 * self.S):
            self.assertAlmostEqual(float(X(t)), n2(t) / self.S, places=6, msg=t)

    def test_offset_panel_spans_the_window(self):
        tr, n2 = self.trace()
        S = self.S
        pts = tr.clocks["n2"].offsets(0, 10 * S)
        self.assertEqual(pts[0], (0, 5 * S))
        self.assertEqual(pts[-1], (10 * S, n2(10 * S) - 10 * S))
        # The step is a vertical edge at 6 s; the drift a bend at 4 s.
        self.assertIn((6 * S, n2(6 * S - 1) + 1 - 6 * S), pts)
        self.assertIn((6 * S, n2(6 * S) - 6 * S), pts)
        self.assertIn((4 * S, n2(4 * S) - 4 * S), pts)
        model = pt.Model(tr, pt.Options(clock="n2"))
        out = vs.tmpdir() / "clock.png"
        pt.draw(model, pt.Options(clock="n2"), str(out))
        self.assertTrue(out.exists())


class HistogramStripsDrawTheirLastBin(unittest.TestCase):
    def test_sends_in_the_last_bin_are_drawn(self):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from timeline_panels import draw_network
        S = lt.NS_PER_S
        recs = [(0, 0, None, "header", {"version": "0.1.0", "scenario": "h", "file": "",
                                         "seed": 1, "protocol": "raft-lease", "preset": "seed"}),
                (1 * S, 1 * S, "n1", "role", {"role": "leader", "term": 1})]
        # Every message in the last of the strip's bins (10 s / HIST_BINS wide).
        recs += [(10 * S - 1000 * i, 10 * S - 1000 * i, "n1", "send",
                  {"to": "n2", "type": "x", "id": i, "resource": None})
                 for i in range(50, 0, -1)]
        tr = lt.read_trace(write_trace("last-bin.jsonl", recs))
        model = pt.Model(tr, pt.Options(start=0, end=10 * S))
        X = pt.make_transform(tr, None)
        fig, ax = plt.subplots()
        try:
            draw_network(ax, model, X, 0.0, 10.0)
            xs = [x for coll in ax.collections for path in coll.get_paths()
                  for x, y in path.vertices if y > 0]
            self.assertTrue(xs)
            self.assertAlmostEqual(max(xs), 10.0)
        finally:
            plt.close(fig)


class PartitionedRequestorsAreDrawn(unittest.TestCase):
    def test_a_requestor_alone_on_the_minority_side_gets_a_lane(self):
        # scenarios/partition/holder-partitioned.json: the holder (alice) is
        # cut off from the servers and bob; she has no other fault.
        run = vs.run(vs.ROOT / "scenarios" / "partition" / "holder-partitioned.json")
        tr = lt.read_trace(run.trace)
        part = [sp for sp in tr.spans if sp.kind == "partition"]
        self.assertEqual(part[0].info[0], ["alice"])
        self.assertFalse([sp for sp in tr.spans if sp.node == "alice"])
        model = pt.Model(tr, pt.Options())
        self.assertIn("alice", model.others)
        self.assertNotIn("bob", model.others)
        out = vs.tmpdir() / "holder-partitioned.png"
        pt.draw(model, pt.Options(), str(out))
        self.assertTrue(out.exists())


class SessionLossIsSaid(unittest.TestCase):
    def test_a_loss_at_the_instant_of_jeopardy_is_labelled(self):
        # scenarios/sessions/sequencer-check-off.json: at 25.1 s alice's
        # session goes to jeopardy and is lost (timed_out) at once.
        import matplotlib
        run = vs.run(vs.ROOT / "scenarios" / "sessions" / "sequencer-check-off.json")
        tr = lt.read_trace(run.trace)
        lost = [v for v in tr.session_views if v.lost == "timed_out"]
        self.assertEqual([(v.client, v.start, v.end) for v in lost],
                         [("alice", 25100000000, 25100000000)])
        out = vs.tmpdir() / "sequencer-check-off.svg"
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            pt.draw(pt.Model(tr, pt.Options()), pt.Options(), str(out))
        self.assertIn("lost: timed_out", out.read_text())


class SameColouredHoldersAreTold(unittest.TestCase):
    def test_handoffs_between_holders_of_one_colour_are_marked(self):
        # scenarios/scale/many-requestors.json: 50 requestors, 20 colours.
        run = vs.run(vs.ROOT / "scenarios" / "scale" / "many-requestors.json")
        tr = lt.read_trace(run.trace)
        model = pt.Model(tr, pt.Options())
        beliefs, core = model.same_colour_handoffs("db")
        rows, _ = model.lanes_of_resource("db")
        expected = []
        last = {}
        for (holder, a, _, _), row in zip(model.beliefs["db"], rows):
            p = last.get(row)
            if p is not None and p != holder and model.colour[p] == model.colour[holder]:
                expected.append((a, row))
            last[row] = holder
        self.assertTrue(expected)
        self.assertEqual(beliefs, expected)
        self.assertTrue(core)
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
        from timeline_canvas import Canvas
        from timeline_layout import Layout
        from timeline_lanes import draw_resources
        fig, ax = plt.subplots()
        try:
            X = pt.make_transform(tr, None)
            draw_resources(Canvas(ax, X, 0.0, model.end / lt.NS_PER_S), model, Layout(model))
            dark = [coll for coll in ax.collections if isinstance(coll, LineCollection)
                    and len(coll.get_colors()) == 1 and
                    matplotlib.colors.to_hex(coll.get_colors()[0]) == "#111111"]
            self.assertEqual(len(dark), 1)
            xs = sorted(round(float(seg[0][0]), 9) for seg in dark[0].get_segments())
            for t in [t for t, _ in beliefs] + core:
                self.assertIn(round(t / lt.NS_PER_S, 9), xs)
        finally:
            plt.close(fig)


class LegendShowsOnlyThePicture(unittest.TestCase):
    def test_legend_follows_the_window_and_the_nodes(self):
        from timeline_legend import shown_marks
        tr = lt.read_trace(vs.default_run().trace)
        crash = [sp for sp in tr.spans if sp.kind == "down"][0]
        whole = shown_marks(pt.Model(tr, pt.Options()))[1]
        for mark in ("crashed", "crash", "restart", "cut off", "leader", "core record"):
            self.assertIn(mark, whole)
        # Before the crash and any isolation: none of their marks.
        first_fault = min(sp.start for sp in tr.spans)
        before = shown_marks(pt.Model(tr, pt.Options(end=first_fault - 1)))[1]
        for mark in ("crashed", "crash", "restart", "cut off"):
            self.assertNotIn(mark, before)
        # Only a node that never crashed: no crash marks.
        other = [n for n in tr.servers if n != crash.node and
                 not any(sp.node == n for sp in tr.spans)][0]
        only = shown_marks(pt.Model(tr, pt.Options(nodes=[other])))[1]
        for mark in ("crashed", "crash", "restart", "cut off"):
            self.assertNotIn(mark, only)
        # Requestors: only those with a bar in the window.
        reqs = shown_marks(pt.Model(tr, pt.Options(end=first_fault - 1)))[0]
        self.assertTrue(set(reqs) <= set(tr.requestors))


if __name__ == "__main__":
    unittest.main()
