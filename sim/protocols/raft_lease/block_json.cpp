// raft-lease's block in canonical JSON (every field explicit), which load()
// reads back to the same config. Runs of requestors that share a
// configuration and are named prefix1..prefixN become one "count" group.
#include <string>
#include <vector>

#include "block.hpp"

namespace leasesim::raft_lease::block {

namespace {

std::string dur(Duration d) {
  return format_duration(d);
}

json requestor_config_json(std::span<const std::string> resources, const RequestorConfig& c) {
  json r = workload::workload_json(resources, c);
  r["ttl"] = dur(c.ttl);
  r["renew_every"] = dur(c.renew_every);
  r["request_timeout"] = dur(c.request_timeout);
  return r;
}

json knobs_json(const LeaseOptions& o) {
  return {
      {"anchor", to_string(o.anchor)},
      {"margin",
       {{"kind", to_string(o.margin.kind)},
        {"fixed", dur(o.margin.fixed)},
        {"drift_ppm", o.margin.drift_ppm}}},
      {"renewals", to_string(o.renewals)},
      {"failover", to_string(o.failover)},
      {"grant_reply", to_string(o.grant_reply)},
      {"check_quorum", to_string(o.check_quorum)},
      {"keying", to_string(o.keying)},
      {"fencing", o.fencing},
      {"lock_delay", dur(o.lock_delay)},
      {"sequencer", {{"check", o.sequencer.check}, {"window", dur(o.sequencer.window)}}},
      {"leader_clock", to_string(o.leader_clock)},
      {"holder_clock", to_string(o.holder_clock)},
  };
}

}  // namespace

void to_json(const Config& c, const ScenarioNames& names, json* doc) {
  json& j = *doc;
  j["protocol"]["preset"] = c.preset;
  j["protocol"]["knobs"] = knobs_json(c.options);
  j["core"] = raft::core_block_json(tables().core, c.core, names.servers);
  j["lease"] = {{"ttl", dur(c.ttl)}, {"max_ttl", dur(c.max_ttl)}};

  const std::vector<RequestorConfig>& rs = c.requestors;
  j["requestors"] = workload::groups_json(
      names.requestors, rs.size(),
      [&](size_t i) { return requestor_config_json(names.resources, rs[i]); },
      // Members alike write the same JSON: equal workloads and request settings
      // (their ids, servers and options come from the rest of the block).
      [&](size_t a, size_t b) {
        return static_cast<const workload::Workload&>(rs[a]) ==
                   static_cast<const workload::Workload&>(rs[b]) &&
               rs[a].ttl == rs[b].ttl && rs[a].renew_every == rs[b].renew_every &&
               rs[a].request_timeout == rs[b].request_timeout;
      });
}

}  // namespace leasesim::raft_lease::block
