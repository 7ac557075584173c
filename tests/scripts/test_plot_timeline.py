"""scripts/plot_timeline.py and scripts/leasesim_trace.py: the picture's data
agrees with the checker's report for the same run, and the pictures are drawn."""

import io
import json
import os
import contextlib
import subprocess
import unittest

import viz_support as vs

import leasesim_trace as lt  # noqa: E402  (viz_support puts scripts/ on the path)
import plot_timeline as pt  # noqa: E402


def report_violations(report):
    """(kind, resource, first, second, from, to) from report.json."""
    out = []
    for v in report["violations"]:
        out.append((v["kind"], v["resource"], None if v["first"] == "-" else v["first"],
                    None if v["second"] == "-" else v["second"], v["from_ns"], v["to_ns"]))
    return out


def trace_violations(tr):
    return [(v.kind, v.resource, v.first, v.second, v.start, v.end) for v in tr.violations]


class CheckerAgreement(unittest.TestCase):
    """The picture and the checker can never disagree: what the plot draws is
    exactly what the report counts."""

    def check_run(self, run):
        tr = lt.read_trace(run.trace)
        rep = run.report
        # The trace ends where the run did, and says why (its run_end record).
        self.assertEqual(tr.end, rep["end_ns"])
        self.assertEqual(tr.end_reason, rep["end_reason"])
        # Believed holdings per resource: count and total time = the report's.
        # (one belief_interval per holding segment; a belief may have several)
        by_res = tr.intervals_by_resource()
        for res, m in rep["metrics"]["resources"].items():
            ivs = by_res.get(res, [])
            begins = sum(1 for b in tr.belief_begins if b[1] == res)
            self.assertEqual(begins, m["holds"], res)
            self.assertEqual(sum(b - a for _, a, b in ivs), m["held_ns"], res)
            for holder, a, b in ivs:
                self.assertLessEqual(a, b)
        self.assertEqual(len(tr.belief_begins), rep["metrics"]["holds"])
        # The segments of one belief are disjoint and do not touch (a union).
        for inst in tr.instances:
            for x, y in zip(inst.segments, inst.segments[1:]):
                self.assertLess(x.end, y.start, inst.segments)
        # Violations: the same, in the same order, in the same words.
        self.assertEqual(trace_violations(tr), report_violations(rep))
        self.assertEqual([v.summary for v in tr.violations],
                         [v["summary"] for v in rep["violations"]])
        for v in rep["violations"]:
            if v["kind"] == "overlap":
                self.assertEqual(v["overlap_ns"], v["to_ns"] - v["from_ns"])
                self.assertTrue(v["first_belief"] and v["second_belief"], v)
        # Metric samples recomputed from the trace = the report's distributions.
        samples = lt.metric_samples(tr)
        for key, name in (("acquire", "acquire_latency"), ("handoff", "handoff_gap"),
                          ("failover", "failover")):
            d = rep["metrics"][name]
            s = samples[key]
            self.assertEqual(len(s), d["count"], key)
            if s:
                self.assertEqual(min(s), d["min_ns"], key)
                self.assertEqual(max(s), d["max_ns"], key)
                for p in (50, 90, 99):
                    self.assertEqual(lt.percentile(s, p), d["p%d_ns" % p], (key, p))
        # Core record: one interval per grant.
        self.assertEqual(len(tr.core), rep["metrics"]["grants"])
        # The plot's model of the whole run draws exactly these intervals.
        model = pt.Model(tr, pt.Options())
        for res in tr.resources:
            drawn = sorted((h, a, b) for h, a, b, _ in model.beliefs[res])
            self.assertEqual(drawn, sorted(by_res.get(res, [])), res)
        self.assertEqual(trace_violations(tr),
                         [(v.kind, v.resource, v.first, v.second, v.start, v.end)
                          for v in model.violations])
        return tr

    def test_default_scenario(self):
        tr = self.check_run(vs.default_run())
        self.assertEqual(tr.end, vs.default_run().report["end_ns"])
        self.assertEqual(tr.violations, [])
        self.assertEqual(len(tr.servers), 5)
        self.assertEqual(tr.requestors, ["alice", "bob", "carol"])
        # The leader crash is drawn with the failover the report measured.
        crash = [sp for sp in tr.spans if sp.kind == "down"]
        self.assertEqual(len(crash), 1)
        model = pt.Model(tr, pt.Options())
        server, delay = model.failover_after(crash[0].node, crash[0].start)
        self.assertEqual(delay, vs.default_run().report["metrics"]["failover"]["max_ns"])

    def test_violation_scenario(self):
        run = vs.violation_run()
        self.assertEqual(run.proc.returncode, 1)
        tr = self.check_run(run)
        # Which kinds follow an overlap (stale writes, latent overlaps) depends on
        # protocol details; the overlap itself is what the scenario is for.
        self.assertIn("overlap", {v.kind for v in tr.violations})
        # An overlap is visible as two stacked beliefs in the picture.
        model = pt.Model(tr, pt.Options())
        rows, nrows = model.lanes_of_resource("db")
        self.assertGreaterEqual(nrows, 2)

    def test_a_belief_that_lapses_and_resumes(self):
        # scenarios/pause/paused-holder-wall-step-back.json: alice's wall clock
        # is stepped back while she is paused past her deadline; her belief
        # holds again from 15 s, and she acts on it when she wakes.
        run = vs.run(vs.ROOT / "scenarios" / "pause" / "paused-holder-wall-step-back.json")
        tr = self.check_run(run)
        alice = [b for b in tr.beliefs if b.holder == "alice"]
        self.assertEqual(len(alice), 2)
        self.assertEqual(alice[1].start, 15 * lt.NS_PER_S)
        overlap = [v for v in tr.violations if v.kind == "overlap"]
        self.assertEqual(len(overlap), 1)
        self.assertEqual({overlap[0].first, overlap[0].second}, {"alice", "bob"})
        self.assertEqual(overlap[0].start, 15 * lt.NS_PER_S)
        rep = [v for v in run.report["violations"] if v["kind"] == "overlap"][0]
        self.assertEqual(rep["first_belief"],
                         [[b.start, b.end] for b in alice])
        # The picture writes it out in the report's words.
        model = pt.Model(tr, pt.Options())
        self.assertIn("[1] " + rep["summary"], model.violation_texts)
        self.assertIn("alice (lease 2, believed 1.030023s..13.045242s, 15.0s..", rep["summary"])

    def test_window_clips_to_the_intervals_that_intersect_it(self):
        tr = lt.read_trace(vs.default_run().trace)
        s, e = 19 * lt.NS_PER_S, 22 * lt.NS_PER_S
        model = pt.Model(tr, pt.Options(start=s, end=e, resources=["db"], nodes=["n1", "n2"]))
        self.assertEqual(model.resources, ["db"])
        self.assertEqual(model.servers, ["n1", "n2"])
        expect = sorted((h, a, b) for h, a, b in tr.intervals_by_resource()["db"]
                        if a < e and b > s)
        self.assertEqual(sorted((h, a, b) for h, a, b, _ in model.beliefs["db"]), expect)
        self.assertTrue(expect)

    def test_library_scenarios(self):
        # Every scenario of the library agrees with its report; the first of
        # each folder is also drawn (drawing all would take too long).
        drawn = set()
        for path in vs.library_scenarios():
            name = str(path.relative_to(vs.ROOT / "scenarios"))
            with self.subTest(scenario=name):
                run = vs.run(path, "--max-events", "300000")
                self.check_run(run)
                if path.parent in drawn:
                    continue
                drawn.add(path.parent)
                out = vs.tmpdir() / ("lib-" + name.replace("/", "-") + ".png")
                err = io.StringIO()
                with contextlib.redirect_stderr(err):
                    self.assertEqual(pt.main([str(run.trace), str(out)]), 0, err.getvalue())
                self.assertGreater(out.stat().st_size, 10000)


class Drawing(unittest.TestCase):
    def plot(self, trace, name, *args):
        out = vs.tmpdir() / name
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = pt.main([str(trace), str(out)] + list(args))
        return rc, out, err.getvalue()

    def test_png_svg_pdf(self):
        trace = vs.default_run().trace
        for name, magic in (("t.png", b"\x89PNG"), ("t.svg", b"<?xml"), ("t.pdf", b"%PDF")):
            rc, out, err = self.plot(trace, name, "--title", "default")
            self.assertEqual(rc, 0, err)
            data = out.read_bytes()
            self.assertTrue(data.startswith(magic), name)
            self.assertGreater(len(data), 10000, name)

    def test_violation_window_subset_and_local_clock(self):
        trace = vs.violation_run().trace
        rc, out, err = self.plot(trace, "v.png", "--from", "10s", "--to", "20s",
                                 "--resources", "db", "--nodes", "n1,n3,alice", "--clock", "n1")
        self.assertEqual(rc, 0, err)
        self.assertGreater(out.stat().st_size, 10000)
        # The local-clock view maps true time through n1's clock: +4s after its step.
        tr = lt.read_trace(trace)
        x = pt.make_transform(tr, "n1")
        self.assertAlmostEqual(float(x(20 * lt.NS_PER_S)), 24.0, places=3)
        self.assertAlmostEqual(float(x(5 * lt.NS_PER_S)), 5.0, places=3)

    def test_large_trace_is_aggregated(self):
        run = vs.large_run()
        tr = lt.read_trace(run.trace)
        self.assertGreater(tr.records, 50000)
        self.assertGreater(len(tr.writes), pt.MAX_WRITE_TICKS)  # the histogram path
        self.assertGreater(len(tr.resources), 20)                 # lanes are capped
        model = pt.Model(tr, pt.Options())
        self.assertEqual(len(model.resources), 20)
        self.assertEqual(model.hidden_resources, len(tr.resources) - 20)
        rc, out, err = self.plot(run.trace, "large.png")
        self.assertEqual(rc, 0, err)
        self.assertGreater(out.stat().st_size, 10000)

    def test_bad_input(self):
        trace = vs.default_run().trace
        cases = [
            (["--resources", "nope"], "unknown resource(s) nope"),
            (["--nodes", "n9"], "unknown node(s) n9"),
            (["--from", "30s", "--to", "20s"], "empty time window"),
            (["--from", "abc"], 'expected a duration like "10s"'),
            (["--clock", "zed"], "no records of node zed"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                rc, out, err = self.plot(trace, "bad.png", *args)
                self.assertEqual(rc, 2)
                self.assertIn(message, err)
        # Sizes that matplotlib cannot draw are refused by name, not with
        # its traceback (Singular matrix, figure size must be positive).
        for args, message in [(["--width", "0"], "--width: expected"),
                              (["--width", "-1"], "--width: expected"),
                              (["--width", "nan"], "--width: expected"),
                              (["--width", "1e6"], "--width: expected"),
                              (["--max-lanes", "0"], "--max-lanes: expected"),
                              (["--max-lanes", "-3"], "--max-lanes: expected")]:
            with self.subTest(args=args):
                with contextlib.redirect_stderr(io.StringIO()) as e:
                    with self.assertRaises(SystemExit) as cm:
                        pt.main([str(trace), str(vs.tmpdir() / "s.png")] + args)
                self.assertEqual(cm.exception.code, 2)
                self.assertIn(message, e.getvalue())
        rc, out, err = self.plot(trace, "bad.txt")
        self.assertEqual(rc, 2)
        self.assertIn(".png, .svg or .pdf", err)
        empty = vs.tmpdir() / "empty.jsonl"
        empty.write_text("")
        rc, out, err = self.plot(empty, "e.png")
        self.assertEqual(rc, 2)
        self.assertIn("empty", err)
        broken = vs.tmpdir() / "broken.jsonl"
        broken.write_text('{"t":1,"lt":1,"n":"a","k":"role","role":\n')
        rc, out, err = self.plot(broken, "b.png")
        self.assertEqual(rc, 2)
        self.assertIn("broken.jsonl:1:", err)
        # A trace damaged after line 1 is refused at the damaged line, not
        # drawn from what came before it (it drew, and exited 0): cut short
        # mid-record, a line of garbage, a time that is not a number.
        whole = trace.read_text().splitlines(True)
        granted = next(i for i, l in enumerate(whole) if '"k":"lease_granted"' in l)
        for name, lines, line_no in [
                ("cut.jsonl", whole[:granted] + [whole[granted][:40]], granted + 1),
                ("cut-in-kind.jsonl", whole[:granted]
                 + [whole[granted][:whole[granted].index('"k":"') + 8]], granted + 1),
                ("garbage.jsonl", whole[:20] + ["garbage line\n"] + whole[20:], 21),
                ("bad-t.jsonl", whole[:granted]
                 + [whole[granted].replace(whole[granted][5:whole[granted].index(",")],
                                           '"abc"', 1)] + whole[granted + 1:], granted + 1)]:
            with self.subTest(file=name):
                damaged = vs.tmpdir() / name
                damaged.write_text("".join(lines))
                rc, out, err = self.plot(damaged, "d.png")
                self.assertEqual(rc, 2, err)
                self.assertIn("%s:%d: " % (name, line_no), err)
                self.assertFalse(out.exists())
        # Not a trace at all: said at line 1, by what was expected (it was
        # "line 16" for a results file, and an empty time window for text).
        for name, text in [("words.txt", "garbage\nmore\n"),
                           ("results.jsonl", '{"format":"leasesim-results","version":3}\n'
                                             + '{"type":"run"}\n' * 40),
                           ("report.json", '{\n  "seed": 1\n}\n')]:
            with self.subTest(file=name):
                wrong = vs.tmpdir() / name
                wrong.write_text(text)
                rc, out, err = self.plot(wrong, "w.png")
                self.assertEqual(rc, 2)
                self.assertIn(name + ":1: not a leasesim trace (expected JSON Lines", err)

    def test_titled_from_the_trace_header(self):
        # The header record names scenario, seed, protocol, preset and the
        # overridden knobs: the picture's title and subtitle say them.
        run = vs.run(vs.ROOT / "scenarios" / "clocks" / "step-leader-wall-clock.json",
                     "--seed", "5")
        tr = lt.read_trace(run.trace)
        self.assertEqual(tr.header["scenario"], run.report["scenario"])
        self.assertEqual(tr.header["seed"], 5)
        self.assertEqual(tr.header["version"], run.report["leasesim_version"])
        self.assertEqual(tr.header["file"], run.report["file"])
        self.assertEqual(len(tr.knobs), len(run.report["knobs"]))
        self.assertEqual([n for n, _, o in tr.knobs if o], run.report["overrides"])
        title, sub = pt.titles(tr, pt.Model(tr, pt.Options()), pt.Options())
        self.assertEqual(title, "step-leader-wall-clock (seed 5)")
        self.assertTrue(sub.startswith("raft-lease, preset seed, leader_clock=wall (override)   "),
                        sub)
        self.assertNotIn("trace.jsonl", title + sub)
        # --title wins; a trace without a header (leasesim 0.1) keeps its file name.
        self.assertEqual(pt.titles(tr, pt.Model(tr, pt.Options()), pt.Options(title="x"))[0], "x")
        old = vs.tmpdir() / "no-header.jsonl"
        old.write_text("".join(line for line in run.trace.read_text().splitlines(True)
                               if '"k":"header"' not in line and '"k":"knob"' not in line))
        tr0 = lt.read_trace(old)
        self.assertIsNone(tr0.header)
        self.assertEqual(pt.titles(tr0, pt.Model(tr0, pt.Options()), pt.Options())[0],
                         "no-header.jsonl")

    def test_arguments_in_the_wrong_order_are_a_clear_error(self):
        trace = vs.default_run().trace
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = pt.main([str(vs.tmpdir() / "swapped.png"), str(trace)])
        self.assertEqual(rc, 2)
        self.assertIn("the picture goes last: INPUT... OUT", err.getvalue())
        rc, out, e = self.plot(trace, "unused.png", "--out", str(vs.tmpdir() / "opt.svg"))
        self.assertEqual(rc, 2)   # two pictures: unused.png taken as a second trace
        with contextlib.redirect_stderr(err):
            rc = pt.main([str(trace), "--out", str(vs.tmpdir() / "opt.svg")])
        self.assertEqual(rc, 0)
        self.assertTrue((vs.tmpdir() / "opt.svg").exists())

    def test_command_line(self):
        # As a script with Debian's python, the way `leasesim run --plot` calls it.
        out = vs.tmpdir() / "cli.svg"
        proc = subprocess.run([vs.PYTHON, str(vs.SCRIPTS / "plot_timeline.py"),
                               str(vs.default_run().trace), str(out)],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreater(out.stat().st_size, 10000)
        # It names what it wrote, as the other plot scripts do.
        self.assertEqual(proc.stdout, "wrote %s\n" % out)


class RunPlot(unittest.TestCase):
    """`leasesim run --plot FILE`."""

    def test_plot_without_trace(self):
        out = vs.tmpdir() / "run-plot.png"
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Named once: by leasesim, not again by the script it runs.
        self.assertEqual(proc.stdout.count("wrote "), 1, proc.stdout)
        self.assertIn("wrote %s" % out, proc.stdout)
        self.assertTrue(out.read_bytes().startswith(b"\x89PNG"))

    def test_a_run_that_ends_before_anything_happens_is_drawn(self):
        # 100 ms ends before the first election: the trace has no record
        # after 0, so the window is the run's (run passes --to its end).
        # Before, the script refused "--from 0ns is not before --to 0ns"
        # (options nobody gave) and run --plot exited 2 (found by an
        # adversarial CLI test).
        scenario = vs.tmpdir() / "short.json"
        scenario.write_text('{"name": "short", "duration": "100ms"}')
        out = vs.tmpdir() / "short.png"
        trace = vs.tmpdir() / "short.jsonl"
        proc = vs.leasesim("run", scenario, "--plot", out, "--trace", trace)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(out.read_bytes().startswith(b"\x89PNG"))
        # The script alone draws it too: the trace's run_end record is at 100 ms.
        rc, alone, err = self.plot_script(trace, "alone.png")
        self.assertEqual(rc, 0, err)
        self.assertTrue(alone.read_bytes().startswith(b"\x89PNG"))
        # A trace without it (before 2026-12-07) says what is missing.
        old = vs.tmpdir() / "short-no-run-end.jsonl"
        old.write_text("".join(line for line in trace.read_text().splitlines(True)
                               if '"k":"run_end"' not in line))
        rc, _, err = self.plot_script(old, "old.png")
        self.assertEqual(rc, 2)
        self.assertIn("the trace has no record after 0ns; give --to", err)

    def test_a_run_cut_short_is_drawn_to_its_end_and_titled_incomplete(self):
        # Stopped by --max-events with no violation: the title says
        # INCOMPLETE, as the report does, not "holds"; and what is open (the
        # leader's role) is drawn to where the run stopped, which the trace's
        # run_end record says, not to its last record before it.
        run = vs.run(vs.ROOT / "scenarios" / "default.json", "--max-events", "300")
        self.assertEqual(run.report["end_reason"], "event_budget")
        tr = lt.read_trace(run.trace)
        self.assertEqual(tr.end_reason, "event_budget")
        self.assertEqual(tr.end, run.report["end_ns"])
        model = pt.Model(tr, pt.Options())
        self.assertEqual(model.end, run.report["end_ns"])
        _, sub = pt.titles(tr, model, pt.Options())
        self.assertIn("safety INCOMPLETE (stopped: event budget exhausted)", sub)
        self.assertNotIn("holds", sub)
        full = lt.read_trace(vs.default_run().trace)
        self.assertIn("safety holds", pt.titles(full, pt.Model(full, pt.Options()),
                                                pt.Options())[1])

    def plot_script(self, trace, name, *args):
        out = vs.tmpdir() / name
        proc = subprocess.run([vs.PYTHON, str(vs.SCRIPTS / "plot_timeline.py"), str(trace),
                               str(out)] + list(args), capture_output=True, text=True,
                              timeout=300)
        return proc.returncode, out, proc.stderr

    def test_plot_into_the_folder_out_creates(self):
        # The README's quick start: --out D --plot D/timeline.png, D not yet there.
        d = vs.tmpdir() / "quickstart-out" / "default"
        self.assertFalse(d.exists())
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--out", d,
                           "--plot", d / "timeline.png")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue((d / "timeline.png").read_bytes().startswith(b"\x89PNG"))
        self.assertTrue((d / "trace.jsonl").stat().st_size > 0)

    def test_plot_with_json_report_keeps_stdout_json(self):
        out = vs.tmpdir() / "run-plot-json.svg"
        proc = vs.leasesim("run", vs.DATA / "violation.json", "--plot", out, "--json",
                           "--trace", vs.tmpdir() / "run-plot.jsonl")
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the violation, not the plot
        self.assertEqual(json.loads(proc.stdout)["safety"], "violated")
        self.assertGreater(out.stat().st_size, 10000)

    def python_without_matplotlib(self):
        """A real Python that cannot import matplotlib: Debian's with its
        site-packages switched off."""
        fake = vs.tmpdir() / "python-no-mpl"
        fake.write_text("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
        fake.chmod(0o755)
        return fake

    def test_the_python_is_chosen_by_option_or_environment(self):
        bare = self.python_without_matplotlib()
        scenario = vs.ROOT / "scenarios" / "default.json"
        for how, extra, env in (("--python", ["--python", bare], {}),
                                ("LEASESIM_PYTHON", [], {"LEASESIM_PYTHON": str(bare)})):
            with self.subTest(how=how):
                proc = subprocess.run([vs.binary(), "run", str(scenario), "--plot",
                                       str(vs.tmpdir() / "nompl.png")] + [str(e) for e in extra],
                                      capture_output=True, text=True, timeout=300,
                                      env=dict(os.environ, **env))
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")   # refused before the run
                self.assertIn("%s (%s) cannot import" % (bare, how), proc.stderr)
                # Both remedies.
                self.assertIn("apt-get install python3-matplotlib", proc.stderr)
                self.assertIn("point LEASESIM_PYTHON (or --python) at a Python that has "
                              "matplotlib", proc.stderr)
        # A Python given by name is looked up on PATH; one that has matplotlib draws.
        good = vs.tmpdir() / "bin" / "mypython"
        good.parent.mkdir(exist_ok=True)
        good.write_text("#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n")
        good.chmod(0o755)
        out = vs.tmpdir() / "mypython.png"
        proc = subprocess.run([vs.binary(), "run", str(scenario), "--plot", str(out)],
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, LEASESIM_PYTHON="mypython",
                                       PATH=str(good.parent) + os.pathsep + os.environ["PATH"]))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(out.read_bytes().startswith(b"\x89PNG"))
        # --python wins over the environment.
        proc = subprocess.run([vs.binary(), "run", str(scenario), "--plot", str(out),
                               "--python", "/usr/bin/python3"], capture_output=True, text=True,
                              timeout=300, env=dict(os.environ, LEASESIM_PYTHON=str(bare)))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        proc = subprocess.run([vs.binary(), "run", str(scenario), "--plot", str(out)],
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, LEASESIM_PYTHON="/no/such/python"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("cannot run the Python /no/such/python (LEASESIM_PYTHON)", proc.stderr)

    def test_scripts_say_both_remedies_without_matplotlib(self):
        bare = self.python_without_matplotlib()
        for script, args in (("plot_timeline.py", [vs.default_run().trace, "x.png"]),
                             ("plot_handoffs.py", [vs.default_run().trace, "x.png"])):
            with self.subTest(script=script):
                proc = subprocess.run([str(bare), str(vs.SCRIPTS / script)]
                                      + [str(a) for a in args], capture_output=True, text=True,
                                      timeout=300, cwd=vs.tmpdir())
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn("apt-get install python3-matplotlib", proc.stderr)
                self.assertIn("LEASESIM_PYTHON", proc.stderr)

    def test_bad_plot_file_is_a_usage_error(self):
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot",
                           vs.tmpdir() / "x.txt")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("expected a file ending in .png, .svg or .pdf", proc.stderr)
        self.assertEqual(proc.stdout, "")
        # Refused before the run, not after it.
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot",
                           vs.tmpdir() / "no-such-dir" / "x.png")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("cannot write into", proc.stderr)
        self.assertEqual(proc.stdout, "")
        # A Python that exits 0 without drawing (here /bin/true) is not
        # taken at its word: no picture, no "wrote" (it said "wrote", exit 0).
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot",
                           vs.tmpdir() / "never.png", "--python", "/bin/true")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("wrote no picture", proc.stderr)
        self.assertNotIn("wrote " + str(vs.tmpdir() / "never.png"), proc.stdout)
        # The extension's case does not matter, as for the plot scripts.
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot",
                           vs.tmpdir() / "upper.PNG")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue((vs.tmpdir() / "upper.PNG").read_bytes().startswith(b"\x89PNG"))
        # A folder where the picture goes is refused before the run too.
        folder = vs.tmpdir() / "folder.png"
        folder.mkdir()
        proc = vs.leasesim("run", vs.ROOT / "scenarios" / "default.json", "--plot", folder)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f'--plot "{folder}": is a directory', proc.stderr)
        self.assertEqual(proc.stdout, "")


if __name__ == "__main__":
    unittest.main()
