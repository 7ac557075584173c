"""Sessions drawn protocol-neutrally: the timeline's session lanes and the
Perfetto export's session tracks come from the session_* records any
protocol may write (here session-lease's); protocols without sessions
(raft-lease, kv-lease) get no session lane or track at all."""

import json
import unittest

import viz_support as vs

import leasesim_trace as lt  # noqa: E402  (viz_support puts scripts/ on the path)
import plot_timeline as pt  # noqa: E402
from test_chrome_trace import validate  # noqa: E402
from timeline_layout import GAP, LABEL_ROW, Layout  # noqa: E402

SESSIONS = vs.ROOT / "scenarios" / "sessions"


def records(path, *kinds):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["k"] in kinds:
                out.append(r)
    return out


class TimelineSessionLanes(unittest.TestCase):
    def test_lanes_follow_the_session_records(self):
        # alice is cut off at 10 s, falls into jeopardy at her local timeout,
        # holds on through the grace period and loses her session at its end;
        # the core expires it meanwhile; after the heal she opens another.
        run = vs.run(SESSIONS / "ignore-jeopardy-no-lock-delay.json")
        tr = lt.read_trace(run.trace)
        model = pt.Model(tr, pt.Options())
        self.assertEqual(model.session_clients, ["alice", "bob"])
        begins = records(run.trace, "session_begin")
        ends = records(run.trace, "session_end")
        # The core's record: one bar per session, from its first begin to its first end.
        for q in model.session_clients:
            first = {}
            for r in begins:
                if r["client"] == q:
                    first.setdefault(r["session"], r["t"])
            self.assertEqual([(s, a) for s, a, _, _, _ in model.sessions[q]],
                             sorted(first.items(), key=lambda x: x[1]))
        expired = {r["session"]: r["t"] for r in ends}
        alice = model.sessions["alice"]
        self.assertEqual(alice[0][3], "expired")
        self.assertEqual(alice[0][2], expired[alice[0][0]])
        self.assertIsNone(alice[-1][3])          # still on record at the end
        self.assertEqual(alice[-1][2], tr.end)
        self.assertGreater(alice[0][4], 5)       # extended by its KeepAlives
        # The client's view: safe, then jeopardy from its session_state
        # record to the loss at the end of the grace period.
        states = [r for r in records(run.trace, "session_state") if r["n"] == "alice"]
        jeopardy = next(r for r in states if r["state"] == "jeopardy")
        lost = next(r for r in states if r["state"] == "lost")
        views = model.session_views["alice"]
        self.assertEqual(views[0][1], "safe")
        self.assertEqual(views[0][3], jeopardy["t"])      # safe until jeopardy
        self.assertEqual(views[1][:4], (jeopardy["session"], "jeopardy", jeopardy["t"],
                                        lost["t"]))
        self.assertEqual(views[1][4], "timed_out")
        for (_, _, _, b, _), (_, _, a, _, _) in zip(views, views[1:]):
            self.assertLessEqual(b, a)                    # one stretch at a time
        self.assertEqual([v[1] for v in model.session_views["bob"]], ["safe"])
        # Laid out between the resources and the servers, the core's record
        # beneath the client's view.
        layout = Layout(model)
        view_top, core_top, _, _, bottom = layout.session_layout["alice"]
        self.assertLess(view_top, core_top)
        self.assertGreater(view_top, max(v[-1] for v in layout.res_layout.values()))
        self.assertLess(bottom, layout.server_top)
        out = vs.tmpdir() / "sessions.png"
        pt.draw(model, pt.Options(), str(out))
        self.assertGreater(out.stat().st_size, 10000)

    def test_a_session_the_core_says_expired(self):
        run = vs.run(SESSIONS / "no-local-timeout.json")
        model = pt.Model(lt.read_trace(run.trace), pt.Options())
        lost = [v[4] for v in model.session_views["alice"] if v[4] is not None]
        self.assertEqual(lost, ["told_expired"])
        # Never in jeopardy: without a local timeout the client trusts its session.
        self.assertEqual({v[1] for v in model.session_views["alice"]}, {"safe"})

    def test_a_window_and_nodes_choose_the_lanes(self):
        run = vs.run(SESSIONS / "ignore-jeopardy-no-lock-delay.json")
        tr = lt.read_trace(run.trace)
        model = pt.Model(tr, pt.Options(start=25 * lt.NS_PER_S, nodes=["alice", "n1"]))
        self.assertEqual(model.session_clients, ["alice"])
        self.assertEqual(len(model.sessions["alice"]), 1)   # the session before is gone

    def test_protocols_without_sessions_have_no_session_lane(self):
        for scenario in (vs.ROOT / "scenarios" / "default.json",
                         vs.ROOT / "scenarios" / "basics" / "kv-release-on-cancel.json"):
            tr = lt.read_trace(vs.run(scenario).trace)
            self.assertEqual((tr.sessions, tr.session_views), ([], []))
            model = pt.Model(tr, pt.Options())
            self.assertEqual(model.session_clients, [])
            layout = Layout(model)
            self.assertEqual(layout.session_layout, {})
            # The servers follow the resource lanes exactly as before.
            last = max(v[-1] for v in layout.res_layout.values())
            self.assertAlmostEqual(layout.server_top, last + GAP + LABEL_ROW)


class PerfettoSessionTracks(unittest.TestCase):
    def test_a_track_per_client_session(self):
        run = vs.run(SESSIONS / "ignore-jeopardy-no-lock-delay.json")
        doc = json.loads(run.chrome.read_text())
        validate(self, doc)
        events = doc["traceEvents"]
        processes = {e["pid"]: e["args"]["name"] for e in events
                     if e["ph"] == "M" and e["name"] == "process_name"}
        pid = next(p for p, n in processes.items() if n.startswith("sessions"))
        names = {e["tid"]: e["args"]["name"] for e in events
                 if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == pid}
        self.assertEqual(sorted(names.values()), ["alice session", "alice session core record",
                                                  "bob session", "bob session core record"])
        tid = {n: t for t, n in names.items()}
        us = lambda ns: round(ns / 1000, 3)  # noqa: E731
        # The core's record: one slice per session, at its first begin.
        first = {}
        for r in records(run.trace, "session_begin"):
            first.setdefault(r["session"], r)
        core = [e for e in events if e["pid"] == pid and e["ph"] in ("B", "X")
                and e["name"].startswith("core: session")]
        self.assertEqual(sorted((e["args"]["session"], e["ts"]) for e in core),
                         sorted((s, us(r["t"])) for s, r in first.items()))
        ended = {e["args"]["session"]: e["args"]["ended"] for e in core}
        for r in records(run.trace, "session_end"):
            self.assertEqual(ended[r["session"]], r["reason"])
        # The client's view: jeopardy from the record's instant, ended by the loss.
        states = [r for r in records(run.trace, "session_state") if r["n"] == "alice"]
        jeopardy = next(r for r in states if r["state"] == "jeopardy")
        on_alice = [e for e in events if e["pid"] == pid and e["tid"] == tid["alice session"]]
        j = next(e for e in on_alice if e["ph"] == "B" and e["name"].startswith("jeopardy"))
        self.assertEqual(j["ts"], us(jeopardy["t"]))
        self.assertIn({"ended": "lost: timed_out"},
                      [e.get("args") for e in on_alice if e["ph"] == "E"])

    def test_no_session_group_without_sessions(self):
        doc = json.loads(vs.default_run().chrome.read_text())
        processes = [e["args"]["name"] for e in doc["traceEvents"]
                     if e["ph"] == "M" and e["name"] == "process_name"]
        self.assertFalse(any(n.startswith("sessions") for n in processes), processes)
        self.assertFalse(any(e.get("cat") == "session" for e in doc["traceEvents"]))


if __name__ == "__main__":
    unittest.main()
