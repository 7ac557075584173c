#include <algorithm>
#include <cmath>
#include <cstdio>

#include "leasesim/scenario/loader.hpp"
#include "shrink_impl.hpp"

namespace leasesim::shrink_detail {

bool Shrinker::pass_duration() {
  std::optional<TimePoint> first;
  for (const Violation& v : cur_run_.violations)
    if (target_.count(v.kind) && (!first || v.detected < *first)) first = v.detected;
  if (!first) return false;
  const Duration step = milliseconds(100);
  const Duration want = (*first - TimePoint::origin()) + seconds(1);
  const Duration d = Duration(((want.ns() + step.ns() - 1) / step.ns()) * step.ns());
  if (d >= cur_sc_.duration) return false;
  json doc = cur_;
  doc["duration"] = format_duration(d);
  json kept = json::array();
  size_t dropped = 0;
  for (const json& f : doc["faults"]) {
    if (dur_of(f["at"]) < d)
      kept.push_back(f);
    else
      ++dropped;
  }
  doc["faults"] = kept;
  std::string what = "cut the duration " + format_duration(cur_sc_.duration) + " -> " +
                     format_duration(d) + " (first violation at " + format_time(*first) + ")";
  if (dropped) what += ", dropping " + std::to_string(dropped) + " fault(s) after the new end";
  return accept(doc, what);
}

bool Shrinker::pass_faults() {
  std::vector<size_t> items(cur_["faults"].size());
  for (size_t i = 0; i < items.size(); ++i) items[i] = i;
  return ddmin(
      items,
      [&](const std::vector<size_t>& removed) {
        json doc = cur_;
        json kept = json::array();
        for (size_t i = 0; i < cur_["faults"].size(); ++i)
          if (std::find(removed.begin(), removed.end(), i) == removed.end())
            kept.push_back(cur_["faults"][i]);
        doc["faults"] = kept;
        return doc;
      },
      [&](const std::vector<size_t>& removed) {
        std::vector<std::string> refs;
        for (const size_t i : removed) refs.push_back(fault_ref(cur_["faults"], i));
        return std::string(removed.size() == 1 ? "removed fault " : "removed faults ") +
               join(refs, ", ");
      });
}

bool Shrinker::pass_requestors() {
  if (requestors_key_.empty()) return false;
  const json exploded = explode_requestors(cur_.value(requestors_key_, json::array()));
  const std::set<std::string> keep = involved_nodes();
  std::vector<size_t> items;
  for (size_t i = 0; i < exploded.size(); ++i)
    if (!keep.count(exploded[i]["name"].get<std::string>())) items.push_back(i);
  // Indices refer to the exploded list; after the first acceptance cur_
  // holds it exploded, so the same numbering goes on holding.
  return ddmin(
      items,
      [&](const std::vector<size_t>& removed) {
        json doc = cur_;
        const json list = explode_requestors(cur_[requestors_key_]);
        json kept = json::array();
        for (size_t i = 0; i < list.size(); ++i) {
          if (std::find(removed.begin(), removed.end(), i) == removed.end())
            kept.push_back(list[i]);
          else
            remove_node_refs(&doc, list[i]["name"].get<std::string>());
        }
        doc[requestors_key_] = kept;
        return doc;
      },
      [&](const std::vector<size_t>& removed) {
        const json list = explode_requestors(cur_[requestors_key_]);
        std::vector<std::string> names;
        for (const size_t i : removed) names.push_back(list[i]["name"].get<std::string>());
        std::string s = removed.size() == 1 ? "removed requestor " : "removed requestors ";
        if (names.size() > 6) {
          s += join(std::vector<std::string>(names.begin(), names.begin() + 5), ", ") + ", ... (" +
               std::to_string(names.size()) + ")";
        } else {
          s += join(names, ", ");
        }
        return s;
      },
      /*reseed=*/true);
}

bool Shrinker::pass_resources() {
  if (requestors_key_.empty()) return false;
  const std::vector<std::string> all = resource_names(cur_);
  const std::vector<std::string> focus = involved_resources();
  if (focus.empty() || focus.size() >= all.size()) return false;
  json doc = cur_;
  doc["resources"] = focus;
  const std::set<std::string> keep(focus.begin(), focus.end());
  json reqs = json::array();
  std::vector<std::string> dropped_reqs;
  for (json r : explode_requestors(cur_.value(requestors_key_, json::array()))) {
    std::vector<std::string> wants;
    if (!r.contains("resources") || r["resources"] == "all")
      wants = all;
    else
      for (const json& n : r["resources"]) wants.push_back(n.get<std::string>());
    json mine = json::array();
    for (const std::string& w : wants)
      if (keep.count(w)) mine.push_back(w);
    if (mine.empty()) {
      dropped_reqs.push_back(r["name"].get<std::string>());
      continue;
    }
    r["resources"] = mine;
    // One resource left: fixed, as the default is with one (only where the
    // group says otherwise; not every protocol's groups have a choice).
    if (mine.size() == 1 && r.contains("choice")) r["choice"] = "fixed";
    reqs.push_back(r);
  }
  doc[requestors_key_] = reqs;
  for (const std::string& n : dropped_reqs) remove_node_refs(&doc, n);
  json faults = json::array();
  for (const json& f : doc["faults"]) {
    bool drop = false;
    for (const char* k : {"target", "from", "to"}) {
      const json v = f.value(k, json());
      if (v.is_string() && v.get<std::string>().rfind("holder:", 0) == 0 &&
          !keep.count(v.get<std::string>().substr(7)))
        drop = true;
    }
    if (!drop) faults.push_back(f);
  }
  doc["faults"] = faults;
  std::string what =
      "kept only resource(s) " + join(focus, ", ") + " of " + std::to_string(all.size());
  if (!dropped_reqs.empty())
    what += " (and requestors wanting none of them: " + join(dropped_reqs, ", ") + ")";
  return accept(doc, what, /*reseed=*/true);
}

bool Shrinker::pass_servers() {
  if (servers_key_.empty()) return false;
  const std::vector<std::string>& servers = cur_sc_.servers;
  const size_t s = servers.size();
  if (s <= 1) return false;
  // Servers the fault script names, in server order.
  std::vector<std::string> named, other;
  const std::string faults_text = cur_["faults"].dump();
  for (const std::string& n : servers) {
    if (faults_text.find(json(n).dump()) != std::string::npos)
      named.push_back(n);
    else
      other.push_back(n);
  }
  for (size_t m = 1; m < s && !exhausted_; m += 2) {
    std::set<std::string> keep;
    for (const std::string& n : named)
      if (keep.size() < m) keep.insert(n);
    for (const std::string& n : other)
      if (keep.size() < m) keep.insert(n);
    json doc = cur_;
    json list = json::array();
    std::vector<std::string> removed;
    for (const std::string& n : servers) {
      if (keep.count(n)) {
        list.push_back(n);
      } else {
        removed.push_back(n);
        remove_node_refs(&doc, n);
      }
    }
    doc[servers_key_]["servers"] = list;
    if (accept(doc,
               "reduced servers " + std::to_string(s) + " -> " + std::to_string(m) + " (removed " +
                   join(removed, ", ") + ")",
               /*reseed=*/true))
      return true;
  }
  return false;
}

bool Shrinker::pass_clocks() {
  if (!cur_.contains("clocks")) return false;
  bool any = false;
  bool perfect = true;
  for (const ClockSpec& c : cur_sc_.clocks)
    perfect = perfect && c.offset == Duration::zero() && c.drift_ppb == 0;
  if (perfect) return false;
  json doc = cur_;
  doc.erase("clocks");
  if (accept(doc, "made every clock perfect (no offset, no drift)")) return true;
  if (!cur_["clocks"].contains("nodes")) return false;
  std::vector<std::string> names;
  for (auto it = cur_["clocks"]["nodes"].begin(); it != cur_["clocks"]["nodes"].end(); ++it)
    names.push_back(it.key());
  for (const std::string& n : names) {
    if (exhausted_) break;
    json d = cur_;
    d["clocks"]["nodes"].erase(n);
    any |= accept(d, "made " + n + "'s clock perfect");
  }
  return any;
}

bool Shrinker::pass_network() {
  if (!cur_.contains("network")) return false;
  bool any = false;
  for (const char* k : {"loss", "duplicate"}) {
    const json& v = cur_["network"].value(k, json(0));
    if (v.is_number() && v.get<double>() != 0.0) {
      json doc = cur_;
      doc["network"][k] = 0;
      any |= accept(doc, std::string("set network ") + k + " " + v.dump() + " -> 0");
    }
  }
  if (cur_["network"].contains("latency")) {
    if (const std::optional<json> c = constant_latency(cur_["network"]["latency"])) {
      json doc = cur_;
      doc["network"]["latency"] = *c;
      any |= accept(doc, "made network latency constant " + (*c)["value"].get<std::string>() +
                             " (was " + cur_["network"]["latency"].dump() + ")");
    }
  }
  if (cur_["network"].contains("links") && !cur_["network"]["links"].empty()) {
    std::vector<size_t> items(cur_["network"]["links"].size());
    for (size_t i = 0; i < items.size(); ++i) items[i] = i;
    any |= ddmin(
        items,
        [&](const std::vector<size_t>& removed) {
          json doc = cur_;
          json kept = json::array();
          for (size_t i = 0; i < cur_["network"]["links"].size(); ++i)
            if (std::find(removed.begin(), removed.end(), i) == removed.end())
              kept.push_back(cur_["network"]["links"][i]);
          doc["network"]["links"] = kept;
          return doc;
        },
        [&](const std::vector<size_t>& removed) {
          std::vector<std::string> refs;
          for (const size_t i : removed) {
            const json& l = cur_["network"]["links"][i];
            refs.push_back(str_of(l.value("from", json("?"))) + "->" +
                           str_of(l.value("to", json("?"))));
          }
          return "removed link override(s) " + join(refs, ", ");
        });
  }
  return any;
}

// Another seed whose first violation comes much earlier lets the duration
// pass cut further (reseeded candidates run the input's full duration, so
// the survivor's violation may come late). Only improvements by at least a
// tenth of the duration count, so the passes terminate quickly.
bool Shrinker::pass_earlier_seed() {
  const Violation* first = first_target();
  if (!first || opts_.reseeds == 0) return false;
  const Duration now = first->detected - TimePoint::origin();
  const uint64_t seed = cur_.value("seed", uint64_t{1});
  for (uint32_t i = 1; i <= opts_.reseeds && !exhausted_; ++i) {
    json doc = cur_;
    doc["seed"] = seed + i;
    if (!test(doc)) continue;
    const Violation* v = nullptr;
    for (const Violation& c : cand_run_.violations)
      if (target_.count(c.kind) && (!v || c.detected < v->detected)) v = &c;
    if (v->detected - TimePoint::origin() + cur_sc_.duration / 10 > now) continue;
    return accept(doc, "took seed " + std::to_string(seed + i) + " (first violation at " +
                           format_time(v->detected) + " instead of " +
                           format_time(first->detected) + ")");
  }
  return false;
}

bool Shrinker::pass_shorten() {
  bool any = false;
  for (size_t i = 0; i < cur_["faults"].size() && !exhausted_; ++i) {
    const std::string ref = fault_ref(cur_["faults"], i);
    // Durations and clock steps halve while at least 1ms; drift while at
    // least 1 ppm.
    for (const char* key : {"duration", "by"}) {
      if (!cur_["faults"][i].contains(key)) continue;
      const Duration was = dur_of(cur_["faults"][i][key]);
      Duration d = was;
      for (;;) {
        // Halved and rounded toward zero to whole milliseconds, so the
        // result reads well ("62ms", not "62.5ms").
        const Duration half = Duration(d.ns() / 2 / 1'000'000 * 1'000'000);
        if (half == Duration::zero() || half == d) break;
        json doc = cur_;
        doc["faults"][i][key] = format_duration(half);
        if (!accept(doc, "")) break;
        d = half;
      }
      if (d != was) {
        record("shortened " + ref + ": " + key + " " + format_duration(was) + " -> " +
               format_duration(d));
        any = true;
      }
    }
    if (cur_["faults"][i].contains("ppm") && cur_["faults"][i]["ppm"].is_number()) {
      const double was = cur_["faults"][i]["ppm"].get<double>();
      double p = was;
      for (;;) {
        const double half = std::trunc(p / 2);
        if (std::fabs(half) < 1) break;
        json doc = cur_;
        doc["faults"][i]["ppm"] = static_cast<int64_t>(half);
        if (!accept(doc, "")) break;
        p = half;
      }
      if (p != was) {
        record("reduced " + ref + ": drift " + json(was).dump() + " -> " + json(p).dump() + " ppm");
        any = true;
      }
    }
  }
  return any;
}

}  // namespace leasesim::shrink_detail
