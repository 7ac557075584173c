"""scripts/plot_timeline.py: what an audit of the student-facing timeline
found missing or misleading, each pinned by a run that showed it."""

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


if __name__ == "__main__":
    unittest.main()
