// raft-lease's rules across several fields: core timing, requestor timing,
// and the event rate of a config.
#include <string>

#include "block.hpp"

namespace leasesim::raft_lease::block {

using format::field_value;
using format::FieldValue;
using format::member;

std::function<void(format::Sink&)> core_timing_checks(const json* core, const Config& c,
                                                      bool servers_known) {
  const Tables& t = tables();
  const json* e = member(core, t.core, "election_timeout");
  const FieldValue min = field_value(e, t.election, "min");
  const bool min_ok = min.valid;
  const bool max_ok = field_value(e, t.election, "max").valid;
  const bool gran_ok = field_value(e, t.election, "granularity").valid;
  const FieldValue hb = field_value(core, t.core, "heartbeat");
  const bool hb_valid = hb.valid;
  const bool hb_present = hb.present;
  const json hb_value = hb.value != nullptr ? *hb.value : json();
  const json min_value = min.value != nullptr ? *min.value : json();
  const Duration emin = c.election_min;
  const Duration emax = c.election_max;
  const Duration gran = c.election_granularity;
  const Duration heartbeat = c.heartbeat;
  const size_t n = c.servers;
  return [=](format::Sink& diag) {
    format::check_granularity_multiples(diag, "/core/election_timeout", emin, min_ok, emax, max_ok,
                                        gran, gran_ok);
    if (min_ok && max_ok && emin > emax) {
      diag.error("/core/election_timeout", "expected election_timeout min <= max, found min " +
                                               format_duration(emin) + " > max " +
                                               format_duration(emax));
    }
    if (min_ok && hb_valid && heartbeat >= emin) {
      if (hb_present) {
        diag.error("/core/heartbeat", "expected a heartbeat shorter than election_timeout.min (" +
                                          format_duration(emin) + "), found " +
                                          format::render_found(hb_value));
      } else {
        diag.error("/core/election_timeout/min",
                   "expected an election timeout longer than the heartbeat (" +
                       format_duration(heartbeat) + "), found " + format::render_found(min_value));
      }
    }
    if (servers_known && n % 2 == 0) {
      diag.warning("/core/servers",
                   "an even number of servers tolerates no more failures than one fewer (" +
                       std::to_string(n) + " and " + std::to_string(n - 1) +
                       " servers both tolerate " + std::to_string((n - 1) / 2) + ")");
    }
  };
}

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
  // write per requestor per write interval: the loader's refusal of runs
  // that would need more than 1e10 events.
  const double second = static_cast<double>(seconds(1).ns());
  double rate = second / static_cast<double>(c.heartbeat.ns()) * static_cast<double>(c.servers);
  for (const RequestorConfig& r : c.requestors) {
    rate += second / static_cast<double>(r.renew_every.ns());
    if (r.write_every > Duration::zero()) rate += second / static_cast<double>(r.write_every.ns());
  }
  return rate;
}

}  // namespace leasesim::raft_lease::block
