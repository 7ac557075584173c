// Rules that span several fields: timing relations, limits on the size of
// a run, and a static walk over the fault script for likely mistakes.
#include <cstdio>
#include <string>
#include <vector>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

namespace lim = scenario_limits;

void Loader::check_core_timing() {
  const json* c = member(&doc_, t_.root, "core");
  const json* e = member(c, t_.core, "election_timeout");
  const bool min_ok = field_value(e, t_.election, "min").valid;
  const bool max_ok = field_value(e, t_.election, "max").valid;
  if (min_ok && max_ok) {
    check_order("/core/election_timeout", s_.election_min, s_.election_max, "election_timeout");
  }
  const FieldValue hb = field_value(c, t_.core, "heartbeat");
  if (min_ok && hb.valid && s_.heartbeat >= s_.election_min) {
    if (hb.present) {
      error("/core/heartbeat", "expected a heartbeat shorter than election_timeout.min (" +
                                   format_duration(s_.election_min) + "), found " +
                                   render_found(*hb.value));
    } else {
      error("/core/election_timeout/min",
            "expected an election timeout longer than the heartbeat (" +
                format_duration(s_.heartbeat) + "), found " +
                render_found(*field_value(e, t_.election, "min").value));
    }
  }
  const size_t n = s_.servers.size();
  if (servers_known_ && n % 2 == 0) {
    warning("/core/servers",
            "an even number of servers tolerates no more failures than one fewer (" +
                std::to_string(n) + " and " + std::to_string(n - 1) + " servers both tolerate " +
                std::to_string((n - 1) / 2) + ")");
  }
}

void Loader::check_max_ttl() {
  // The largest ttl any requestor asks for, and where it comes from.
  Duration largest = lease_ttl_;
  std::string from = "/lease/ttl";
  bool any = false;
  for (const RequestorGroup& g : groups_) {
    if (g.count == 0) continue;
    if (!any || g.config.ttl > largest) {
      largest = g.config.ttl;
      from = g.ttl_set ? g.path + "/ttl" : "/lease/ttl";
    }
    any = true;
  }
  if (!max_ttl_) {
    s_.max_ttl = largest;
    return;
  }
  s_.max_ttl = *max_ttl_;
  if (*max_ttl_ < largest && any) {
    error("/lease/max_ttl",
          "expected a max_ttl of at least " + format_duration(largest) +
              ", the largest ttl a requestor asks for (" + from + "), found " +
              render_found(*member(member(&doc_, t_.root, "lease"), t_.lease, "max_ttl")));
  }
}

void Loader::check_requestor_timing() {
  for (const RequestorGroup& g : groups_) {
    if (g.config.ttl > g.config.renew_every) continue;
    const std::string where = g.path.empty() || (!g.ttl_set && !g.renew_set) ? "/lease" : g.path;
    warning(where, "ttl " + format_duration(g.config.ttl) + " is not longer than renew_every " +
                       format_duration(g.config.renew_every) +
                       ": leases expire before they are renewed");
  }
}

void Loader::check_event_budget() {
  if (!duration_known_) return;
  const double run = static_cast<double>(s_.duration.ns());
  double events =
      run / static_cast<double>(s_.heartbeat.ns()) * static_cast<double>(s_.servers.size());
  for (const RequestorGroup& g : groups_) {
    const double count = static_cast<double>(g.count);
    events += count * run / static_cast<double>(g.config.renew_every.ns());
    if (g.config.write_every > Duration::zero()) {
      events += count * run / static_cast<double>(g.config.write_every.ns());
    }
  }
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
