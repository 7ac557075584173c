// raft-lease's rules across several fields (requestor timing; the core's
// are raft/core_block.hpp's), and the event rate of a config.
#include <string>

#include "block.hpp"

namespace leasesim::raft_lease::block {

std::function<void(format::Sink&)> requestor_timing_checks(std::vector<GroupTiming> groups) {
  return [groups = std::move(groups)](format::Sink& diag) {
    for (const GroupTiming& g : groups) {
      if (g.ttl > g.renew_every) continue;
      const std::string where = g.path.empty() || (!g.ttl_set && !g.renew_set) ? "/lease" : g.path;
      diag.warning(where, "ttl " + format_duration(g.ttl) + " is not longer than renew_every " +
                              format_duration(g.renew_every) +
                              ": leases expire before they are renewed");
    }
  };
}

double events_per_second(const Config& c) {
  // Heartbeats at every server, a renewal per requestor per interval, a
  // write per requestor per write interval, a resend per requestor per
  // request_timeout (the worst case: every answer lost): the loader's
  // refusal of runs that would need more than 1e10 events.
  const double second = static_cast<double>(seconds(1).ns());
  double rate =
      second / static_cast<double>(c.core.heartbeat.ns()) * static_cast<double>(c.servers);
  for (const RequestorConfig& r : c.requestors) {
    rate += second / static_cast<double>(r.renew_every.ns());
    rate += second / static_cast<double>(r.request_timeout.ns());
    if (r.write_every > Duration::zero()) rate += second / static_cast<double>(r.write_every.ns());
  }
  return rate;
}

}  // namespace leasesim::raft_lease::block
