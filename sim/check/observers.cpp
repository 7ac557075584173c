#include "leasesim/check/observers.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {

Observers::Observers(const CheckSetup& setup)
    : nodes_(static_cast<uint32_t>(setup.clocks.size())),
      resources_(setup.resources),
      roles_(setup.resources),
      safety_(setup, &metrics_),
      metrics_(setup.resources, nodes_, safety_, roles_) {}

void Observers::check_node(NodeId n) const {
  LEASESIM_ASSERT(n < nodes_, "a record from an unknown node");
}

void Observers::check_resource(ResourceId res) const {
  LEASESIM_ASSERT(res < resources_, "a record about an unknown resource");
}

// The order within a kind matters where the checker and the metrics
// observer share a resource: what the metrics observer counts up to a
// record's time must see the resource as it was before the record (after
// the checker finalised the segments that ended earlier), and the
// checker's repeated-record filter decides what is counted.
void Observers::observe(const Record& r) {
  // The checker learns that time moved on from the records it reads
  // (SafetyChecker::advance_to): a metrics-only record (want, write_sent,
  // the hottest kinds) costs it nothing.
  switch (r.kind) {
    case obs::kBeliefBegin: {
      const auto b = decode_as<obs::BeliefBegin>(r);
      check_node(r.node);
      check_resource(b.resource);
      roles_.on_belief_begin(r.node, b.resource);
      safety_.touch(b.resource, r);
      metrics_.belief_begin(r.node, b.resource, r.time);
      safety_.belief_begin(r, b);
      return;
    }
    case obs::kBeliefExtend: {
      const auto e = decode_as<obs::BeliefExtend>(r);
      check_resource(e.resource);
      safety_.belief_extend(r, e);
      return;
    }
    case obs::kBeliefEnd: {
      const auto e = decode_as<obs::BeliefEnd>(r);
      check_resource(e.resource);
      roles_.on_belief_end(r.node, e.resource);
      safety_.belief_end(r, e);
      return;
    }
    case obs::kWant: {
      const auto w = decode_as<obs::Want>(r);
      check_node(r.node);
      check_resource(w.resource);
      metrics_.want(r.node, w.resource, r.time);
      return;
    }
    case obs::kRole: {
      const auto c = decode_as<obs::RoleChanged>(r);
      roles_.on_role(r.node, c);
      safety_.role_changed(r, c);
      metrics_.role_changed(c);
      return;
    }
    case obs::kLeaderReady:
      safety_.note(r);
      metrics_.leader_ready(r.time);
      return;
    case obs::kCommitted:
      safety_.committed(r, decode_as<obs::Committed>(r));
      return;
    case obs::kLeaseGranted: {
      const auto g = decode_as<obs::LeaseGranted>(r);
      check_resource(g.resource);
      if (!safety_.first_record(g.resource, g.index)) return;
      metrics_.grant();
      safety_.remember(g.resource, r);
      return;
    }
    case obs::kLeaseRenewed: {
      const auto n = decode_as<obs::LeaseRenewed>(r);
      check_resource(n.resource);
      if (safety_.first_record(n.resource, n.index)) safety_.remember(n.resource, r);
      return;
    }
    case obs::kLeaseRefreshed: {
      const auto f = decode_as<obs::LeaseRefreshed>(r);
      check_resource(f.resource);
      safety_.remember(f.resource, r);
      return;
    }
    case obs::kLeaseFreed: {
      const auto f = decode_as<obs::LeaseFreed>(r);
      check_resource(f.resource);
      if (safety_.first_record(f.resource, f.index)) safety_.lease_freed(r, f);
      return;
    }
    case obs::kWriteSent:
      check_node(r.node);
      metrics_.write_sent(r.node, decode_as<obs::WriteSent>(r), r.time);
      return;
    case obs::kWorkCheck: {
      const auto c = decode_as<obs::WorkCheck>(r);
      check_resource(c.resource);
      safety_.remember(c.resource, r);
      return;
    }
    case obs::kWriteAccepted: {
      const auto a = decode_as<obs::WriteAccepted>(r);
      check_resource(a.resource);
      check_node(a.writer);
      metrics_.write_accepted(a, r.time);
      safety_.write_accepted(r, a);
      return;
    }
    case obs::kWriteRejected: {
      const auto j = decode_as<obs::WriteRejected>(r);
      check_resource(j.resource);
      metrics_.write_rejected();
      safety_.remember(j.resource, r);
      return;
    }
    default:
      return;
  }
}

void Observers::on_crash(NodeId n, TimePoint now) {
  check_node(n);
  metrics_.on_crash(n, now);  // reads the role view as it was
  safety_.on_crash(n, now);
  roles_.on_crash(n);
}

void Observers::finish(TimePoint end, bool instant_complete) {
  safety_.finish(end, instant_complete);
  metrics_.finish();
}

Metrics Observers::metrics() const {
  Metrics m = metrics_.metrics();
  m.stale_writes = safety_.stale_writes();
  return m;
}

}  // namespace leasesim
