// A requestor group's canonical JSON (group_block.hpp).
#include <string>

#include "leasesim/format/ranges.hpp"
#include "leasesim/protocols/workload/group_block.hpp"

namespace leasesim::workload {

using nlohmann::json;

namespace {

// names[i], or "" for an id out of range (a config built in code may be
// inconsistent; the loader then reports the empty name).
const std::string& name_at(std::span<const std::string> names, size_t i) {
  static const std::string kNone;
  return i < names.size() ? names[i] : kNone;
}

const char* choice_name(ResourceChoice c) {
  switch (c) {
    case ResourceChoice::kFixed:
      return "fixed";
    case ResourceChoice::kCycle:
      return "cycle";
    case ResourceChoice::kRandom:
      return "random";
  }
  return "random";
}

}  // namespace

json workload_json(std::span<const std::string> resources, const Workload& w) {
  json r;
  // Every resource in order is "all", which reads back as the range: the
  // same resources, wanted alike.
  bool all = w.resources.size() == resources.size();
  for (size_t i = 0; all && i < w.resources.size(); ++i) all = w.resources[i] == i;
  if ((all && !w.resources.empty()) ||
      (w.resources.empty() && w.resource_range == resources.size())) {
    r["resources"] = "all";
  } else {
    json names = json::array();
    for (const ResourceId id : w.resources) names.push_back(name_at(resources, id));
    r["resources"] = names;
  }
  r["choice"] = choice_name(w.choice);
  r["start"] = format_duration(w.start_after);
  r["hold"] = format::range_to_json(w.hold_min, w.hold_max);
  r["think"] = format::range_to_json(w.think_min, w.think_max);
  r["backoff"] = format::range_to_json(w.backoff_min, w.backoff_max);
  r["write_every"] = format_duration(w.write_every);
  r["check_to_write"] = format_duration(w.check_to_write);
  r["max_holds"] = w.max_holds;
  return r;
}

json groups_json(std::span<const std::string> names, size_t n,
                 const std::function<json(size_t)>& config,
                 const std::function<bool(size_t, size_t)>& same) {
  json groups = json::array();
  for (size_t i = 0; i < n;) {
    json group = config(i);
    // Extend a run prefix1, prefix2, ... of members configured alike.
    size_t end = i + 1;
    const std::string& first = name_at(names, i);
    if (first.size() >= 2 && first.back() == '1') {
      const std::string p = first.substr(0, first.size() - 1);
      while (end < n && name_at(names, end) == p + std::to_string(end - i + 1) && same(end, i))
        ++end;
      if (end - i >= 2) {
        group["count"] = end - i;
        group["prefix"] = p;
      }
    }
    if (end - i < 2) {
      end = i + 1;
      group["name"] = first;
    }
    groups.push_back(std::move(group));
    i = end;
  }
  return groups;
}

}  // namespace leasesim::workload
