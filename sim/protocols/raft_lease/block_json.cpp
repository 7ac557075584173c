// raft-lease's block in canonical JSON (every field explicit), which load()
// reads back to the same config. Runs of requestors that share a
// configuration and are named prefix1..prefixN become one "count" group.
#include <string>
#include <vector>

#include "block.hpp"
#include "leasesim/format/ranges.hpp"

namespace leasesim::raft_lease::block {

namespace {

std::string dur(Duration d) {
  return format_duration(d);
}

// names[i], or "" for an id out of range (a config built in code may be
// inconsistent; the loader then reports the empty name).
const std::string& name_at(std::span<const std::string> names, size_t i) {
  static const std::string kNone;
  return i < names.size() ? names[i] : kNone;
}

json requestor_config_json(std::span<const std::string> resources, const RequestorConfig& c) {
  json r;
  bool all = c.resources.size() == resources.size();
  for (size_t i = 0; all && i < c.resources.size(); ++i) all = c.resources[i] == i;
  if ((all && !c.resources.empty()) ||
      (c.resources.empty() && c.resource_range == resources.size())) {
    r["resources"] = "all";
  } else {
    json names = json::array();
    for (const ResourceId id : c.resources) names.push_back(name_at(resources, id));
    r["resources"] = names;
  }
  r["choice"] = c.choice == ResourceChoice::kFixed   ? "fixed"
                : c.choice == ResourceChoice::kCycle ? "cycle"
                                                     : "random";
  r["start"] = dur(c.start_after);
  r["hold"] = format::range_to_json(c.hold_min, c.hold_max);
  r["think"] = format::range_to_json(c.think_min, c.think_max);
  r["backoff"] = format::range_to_json(c.backoff_min, c.backoff_max);
  r["ttl"] = dur(c.ttl);
  r["renew_every"] = dur(c.renew_every);
  r["request_timeout"] = dur(c.request_timeout);
  r["write_every"] = dur(c.write_every);
  r["check_to_write"] = dur(c.check_to_write);
  r["max_holds"] = c.max_holds;
  return r;
}

// Whether two requestors serialize to the same configuration.
bool same_config(const RequestorConfig& a, const RequestorConfig& b) {
  return a.resources == b.resources && a.resource_range == b.resource_range &&
         a.choice == b.choice && a.start_after == b.start_after && a.hold_min == b.hold_min &&
         a.hold_max == b.hold_max && a.think_min == b.think_min && a.think_max == b.think_max &&
         a.backoff_min == b.backoff_min && a.backoff_max == b.backoff_max && a.ttl == b.ttl &&
         a.renew_every == b.renew_every && a.request_timeout == b.request_timeout &&
         a.write_every == b.write_every && a.check_to_write == b.check_to_write &&
         a.max_holds == b.max_holds;
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

  json groups = json::array();
  const size_t n = c.requestors.size();
  for (size_t i = 0; i < n;) {
    json config = requestor_config_json(names.resources, c.requestors[i]);
    // Extend a run prefix1, prefix2, ... with the same configuration.
    size_t end = i + 1;
    const std::string& first = name_at(names.requestors, i);
    if (first.size() >= 2 && first.back() == '1') {
      const std::string p = first.substr(0, first.size() - 1);
      while (end < n && name_at(names.requestors, end) == p + std::to_string(end - i + 1) &&
             same_config(c.requestors[end], c.requestors[i])) {
        ++end;
      }
      if (end - i >= 2) {
        config["count"] = end - i;
        config["prefix"] = p;
      }
    }
    if (end - i < 2) {
      end = i + 1;
      config["name"] = first;
    }
    groups.push_back(std::move(config));
    i = end;
  }
  j["requestors"] = groups;
}

}  // namespace leasesim::raft_lease::block
