#include <algorithm>
#include <cmath>
#include <cstdio>

#include "shrink_impl.hpp"

namespace leasesim::shrink_detail {

Duration dur_of(const json& v) {
  Duration d = Duration::zero();
  std::string err;
  if (v.is_string()) parse_duration(v.get<std::string>(), &d, &err);
  return d;
}

std::string str_of(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "crash n2 for 5s at 10s": a fault in words, from its JSON.
std::string fault_words(const json& f) {
  const std::string kind = f.value("kind", std::string("?"));
  std::string s = kind;
  if (f.contains("target")) s += " " + str_of(f["target"]);
  if (kind == "cut")
    s += " " + str_of(f.value("from", json("?"))) + "->" + str_of(f.value("to", json("?")));
  if (kind == "partition" && f.contains("groups")) {
    s += " [";
    bool first_group = true;
    for (const json& g : f["groups"]) {
      if (!first_group) s += " |";
      first_group = false;
      for (const json& m : g) s += " " + str_of(m);
    }
    s += " ]";
  }
  if (kind == "clock_step" && f.contains("by")) s += " by " + str_of(f["by"]);
  if (kind == "drift" && f.contains("ppm")) s += " " + f["ppm"].dump() + "ppm";
  if (kind == "network") {
    for (const char* k : {"loss", "duplicate"})
      if (f.contains(k) && f[k].is_number() && f[k].get<double>() != 0.0)
        s += std::string(" ") + k + " " + f[k].dump();
    if (f.contains("latency")) s += " latency " + str_of(f["latency"].value("dist", json("?")));
  }
  if (f.contains("duration")) s += " for " + str_of(f["duration"]);
  if (f.contains("at")) s += " at " + str_of(f["at"]);
  return s;
}

std::string fault_ref(const json& faults, size_t i) {
  return "/faults/" + std::to_string(i) + " (" + fault_words(faults[i]) + ")";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

bool names_node(const json& v, const std::string& name) {
  return v.is_string() && v == name;
}

// Removes everything in `doc` that names node `name`: its clock, its link
// overrides, faults aimed at it (and it from partition groups; a partition
// left with fewer than two groups goes). Returns the faults dropped.
size_t remove_node_refs(json* doc, const std::string& name) {
  if (doc->contains("clocks") && (*doc)["clocks"].contains("nodes"))
    (*doc)["clocks"]["nodes"].erase(name);
  if (doc->contains("network") && (*doc)["network"].contains("links")) {
    json kept = json::array();
    for (const json& l : (*doc)["network"]["links"])
      if (!names_node(l.value("from", json()), name) && !names_node(l.value("to", json()), name))
        kept.push_back(l);
    (*doc)["network"]["links"] = kept;
  }
  size_t dropped = 0;
  if (doc->contains("faults")) {
    json kept = json::array();
    for (json f : (*doc)["faults"]) {
      bool drop = names_node(f.value("target", json()), name) ||
                  names_node(f.value("from", json()), name) ||
                  names_node(f.value("to", json()), name);
      if (!drop && f.contains("groups") && f["groups"].is_array()) {
        json groups = json::array();
        for (const json& g : f["groups"]) {
          json members = json::array();
          for (const json& m : g)
            if (!names_node(m, name)) members.push_back(m);
          if (!members.empty()) groups.push_back(members);
        }
        f["groups"] = groups;
        drop = groups.size() < 2;
      }
      if (drop)
        ++dropped;
      else
        kept.push_back(f);
    }
    (*doc)["faults"] = kept;
  }
  return dropped;
}

// Requestor groups split into one group per requestor (same scenario).
json explode_requestors(const json& groups) {
  json out = json::array();
  for (const json& g : groups) {
    json config = g;
    for (const char* k : {"name", "names", "count", "prefix"}) config.erase(k);
    std::vector<std::string> names;
    if (g.contains("name")) {
      names.push_back(g["name"].get<std::string>());
    } else if (g.contains("names")) {
      for (const json& n : g["names"]) names.push_back(n.get<std::string>());
    } else if (g.contains("count")) {
      const std::string prefix = g.value("prefix", std::string("c"));
      for (uint64_t i = 1; i <= g["count"].get<uint64_t>(); ++i)
        names.push_back(prefix + std::to_string(i));
    }
    for (const std::string& n : names) {
      json r = config;
      r["name"] = n;
      out.push_back(r);
    }
  }
  return out;
}

std::vector<std::string> resource_names(const json& doc) {
  std::vector<std::string> out;
  const json& r = doc["resources"];
  if (r.is_array()) {
    for (const json& n : r) out.push_back(n.get<std::string>());
  } else if (r.is_object()) {
    const std::string prefix = r.value("prefix", std::string("r"));
    for (uint64_t i = 1; i <= r.value("count", uint64_t{0}); ++i)
      out.push_back(prefix + std::to_string(i));
  }
  return out;
}

// A constant latency near the model's typical value.
std::optional<json> constant_latency(const json& m) {
  const std::string dist = m.value("dist", std::string());
  Duration v;
  if (dist == "constant") return std::nullopt;
  if (dist == "uniform")
    v = dur_of(m["min"]) + (dur_of(m["max"]) - dur_of(m["min"])) / 2;
  else if (dist == "exponential")
    v = dur_of(m.value("floor", json("0s"))) + dur_of(m["mean"]);
  else if (dist == "lognormal")
    v = dur_of(m.value("floor", json("0s"))) + dur_of(m["median"]);
  else
    return std::nullopt;
  return json{{"dist", "constant"}, {"value", format_duration(v)}};
}

}  // namespace leasesim::shrink_detail
