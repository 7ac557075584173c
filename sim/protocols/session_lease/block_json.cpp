// session-lease's block in canonical JSON (every field explicit), which
// load() reads back to the same config. Runs of clients that share a
// configuration and are named prefix1..prefixN become one "count" group.
#include <string>

#include "block.hpp"

namespace leasesim::session_lease::block {

namespace {

std::string dur(Duration d) {
  return format_duration(d);
}

}  // namespace

json knobs_json(const Options& o) {
  return {
      {"local_timeout", to_string(o.local_timeout)},
      {"drift_ppm", o.drift_ppm},
      {"margin", dur(o.margin)},
      {"jeopardy", to_string(o.jeopardy)},
      {"grace", dur(o.grace)},
      {"expiry", to_string(o.expiry)},
      {"lock_delay", dur(o.lock_delay)},
      {"sequencer", {{"check", o.sequencer.check}, {"window", dur(o.sequencer.window)}}},
      {"fencing", o.fencing},
      {"check_quorum", to_string(o.check_quorum)},
  };
}

void to_json(const Config& c, const ScenarioNames& names, json* doc) {
  json& j = *doc;
  j["protocol"]["preset"] = c.preset;
  j["protocol"]["knobs"] = knobs_json(c.options);
  j["core"] = raft::core_block_json(tables().core, c.core, names.servers);
  j["session"] = {{"timeout", dur(c.session_timeout)},
                  {"keepalive_every", dur(c.keepalive_every)},
                  {"request_timeout", dur(c.request_timeout)}};
  const std::vector<ClientConfig>& cs = c.clients;
  j["requestors"] = workload::groups_json(
      names.requestors, cs.size(),
      [&](size_t i) { return workload::workload_json(names.resources, cs[i]); },
      // A client's JSON is its workload (its ids, servers, options and
      // session timing come from the rest of the block).
      [&](size_t a, size_t b) {
        return static_cast<const workload::Workload&>(cs[a]) ==
               static_cast<const workload::Workload&>(cs[b]);
      });
}

}  // namespace leasesim::session_lease::block
