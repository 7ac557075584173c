// session-lease's block in canonical JSON (every field explicit), which
// load() reads back to the same config. Runs of clients that share a
// configuration and are named prefix1..prefixN become one "count" group.
#include <string>

#include "block.hpp"
#include "leasesim/format/ranges.hpp"

namespace leasesim::session_lease::block {

namespace {

std::string dur(Duration d) {
  return format_duration(d);
}

const std::string& name_at(std::span<const std::string> names, size_t i) {
  static const std::string kNone;
  return i < names.size() ? names[i] : kNone;
}

json client_json(std::span<const std::string> resources, const ClientConfig& c) {
  json r;
  if (c.resources.empty() && c.resource_range == resources.size()) {
    r["resources"] = "all";
  } else {
    json names = json::array();
    for (const ResourceId id : c.resources) names.push_back(name_at(resources, id));
    r["resources"] = names;
  }
  r["choice"] = c.choice == ResourceChoice::kFixed ? "fixed" : "random";
  r["start"] = dur(c.start_after);
  r["hold"] = format::range_to_json(c.hold_min, c.hold_max);
  r["think"] = format::range_to_json(c.think_min, c.think_max);
  r["backoff"] = format::range_to_json(c.backoff_min, c.backoff_max);
  r["write_every"] = dur(c.write_every);
  r["check_to_write"] = dur(c.check_to_write);
  r["max_holds"] = c.max_holds;
  return r;
}

bool same_config(const ClientConfig& a, const ClientConfig& b) {
  return a.resources == b.resources && a.resource_range == b.resource_range &&
         a.choice == b.choice && a.start_after == b.start_after && a.hold_min == b.hold_min &&
         a.hold_max == b.hold_max && a.think_min == b.think_min && a.think_max == b.think_max &&
         a.backoff_min == b.backoff_min && a.backoff_max == b.backoff_max &&
         a.write_every == b.write_every && a.check_to_write == b.check_to_write &&
         a.max_holds == b.max_holds;
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
  json groups = json::array();
  const size_t n = c.clients.size();
  for (size_t i = 0; i < n;) {
    json config = client_json(names.resources, c.clients[i]);
    size_t end = i + 1;
    const std::string& first = name_at(names.requestors, i);
    if (first.size() >= 2 && first.back() == '1') {
      const std::string p = first.substr(0, first.size() - 1);
      while (end < n && name_at(names.requestors, end) == p + std::to_string(end - i + 1) &&
             same_config(c.clients[end], c.clients[i]))
        ++end;
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

}  // namespace leasesim::session_lease::block
