"""Beliefs as wholes: a requestor's belief in one lease from its
belief_begin to its end, with the holding segments (belief_interval records)
the checker judged in it. The violation summaries word each party's belief
from these. Part of the helper module leasesim_trace (which re-exports it)."""

from collections import defaultdict


class BeliefInstance:
    """One belief: (holder, lease on resource) from a belief_begin (while not
    already believed) to its belief_end, the holder's crash, or the end of
    the trace (`close` None), with its holding segments."""

    __slots__ = ("resource", "holder", "lease", "begin", "close", "segments")

    def __init__(self, resource, holder, lease, begin):
        self.resource, self.holder, self.lease, self.begin = resource, holder, lease, begin
        self.close = None
        self.segments = []


def belief_instances(tr):
    """The beliefs of the run, each with its segments (belief_interval records)."""
    open_ = {}
    instances = []
    by_key = defaultdict(list)
    for k, t, n, res, lease in tr.belief_events:
        if k == "belief_begin":
            key = (res, n, lease)
            if key not in open_:
                inst = BeliefInstance(res, n, lease, t)
                open_[key] = inst
                instances.append(inst)
                by_key[key].append(inst)
        elif k == "belief_end":
            inst = open_.pop((res, n, lease), None)
            if inst is not None:
                inst.close = t
        else:   # crash: every belief of the node ends
            for key in [key for key in open_ if key[1] == n]:
                open_.pop(key).close = t
    for b in tr.beliefs:
        cands = by_key.get((b.resource, b.holder, b.lease), [])
        # Instances of one key never overlap in time: the last begun by then.
        owner = None
        for inst in cands:
            if inst.begin <= b.start:
                owner = inst
        if owner is not None:
            owner.segments.append(b)
    for inst in instances:
        inst.segments.sort(key=lambda b: b.start)
    tr.instances = instances
    return instances


def instance_at(instances, resource, holder, lease, t):
    """The belief of `holder` in `lease` on `resource` that was begun last by `t`."""
    owner = None
    for inst in instances:
        if (inst.resource, inst.holder, inst.lease) == (resource, holder, lease) and inst.begin <= t:
            owner = inst
    return owner
