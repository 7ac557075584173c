// Rules that span several fields: limits on the size of a run, and a
// static walk over the fault script for likely mistakes. (The protocol
// block's own rules are its module's: BlockOutput::late_checks.)
#include <cstdio>
#include <string>
#include <vector>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

namespace lim = scenario_limits;

void Loader::check_event_budget() {
  if (!duration_known_ || s_.protocol_config == nullptr) return;
  const double run = static_cast<double>(s_.duration.ns()) / static_cast<double>(seconds(1).ns());
  const double events = run * s_.module().events_per_second(*s_.protocol_config);
  if (events <= lim::kMaxEvents) return;
  char about[32];
  std::snprintf(about, sizeof about, "%.2g", events);
  error("/duration", std::string("the scenario would need about ") + about +
                         " events (the limit is 1e+10); shorten the duration or lengthen the "
                         "intervals");
}

void Loader::check_fault_script() {
  // Which named nodes the script has crashed, and until when (max: until
  // restarted). A crash of "leader" or "holder:R" makes the state of every
  // server or requestor unknown from then on, so restarts stop being judged.
  const TimePoint kForever = TimePoint::max();
  std::vector<TimePoint> down_until(s_.node_count(), TimePoint::min());
  bool servers_unknown = false;
  bool requestors_unknown = false;
  bool blocked = false;  // some partition, cut or isolate came before
  for (const Fault& f : s_.faults) {
    switch (f.kind) {
      case FaultKind::kCrash:
        if (f.target.kind == FaultTarget::Kind::kLeader) servers_unknown = true;
        if (f.target.kind == FaultTarget::Kind::kHolderOf) requestors_unknown = true;
        if (f.target.kind == FaultTarget::Kind::kNode) {
          down_until[f.target.node] = f.duration > Duration::zero() ? f.at + f.duration : kForever;
        }
        break;
      case FaultKind::kRestart: {
        if (f.target.kind != FaultTarget::Kind::kNode) break;
        const NodeId n = f.target.node;
        const bool is_server = n < s_.servers.size();
        if ((is_server && servers_unknown) || (!is_server && requestors_unknown)) break;
        if (down_until[n] <= f.at) {
          warning(f.origin, "restart of " + jquote(node_names()[n]) + " at " +
                                format_duration(f.at - TimePoint::origin()) +
                                ", but the script has not crashed it (it is running then)");
        }
        down_until[n] = TimePoint::min();
        break;
      }
      case FaultKind::kPartition:
      case FaultKind::kCut:
      case FaultKind::kIsolate:
        blocked = true;
        break;
      case FaultKind::kHeal:
        if (!blocked) {
          warning(f.origin, "heal at " + format_duration(f.at - TimePoint::origin()) +
                                " with no partition, cut or isolate before it");
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace leasesim::scenario_detail
