#include "leasesim/world/shrink.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

using nlohmann::json;

namespace {

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

class Shrinker {
 public:
  Shrinker(const Scenario& input, const ShrinkOptions& opts)
      : input_(input), opts_(opts), start_(std::chrono::steady_clock::now()) {}

  ShrinkResult run();

 private:
  bool budget_left();
  bool shows_target(const RunResult& r) const;
  // Loads and runs doc; true (and the candidate kept in cand_) if it shows
  // a target violation.
  bool test(const json& doc);
  // test(); on success doc becomes current and `what` (if not empty) a step.
  // With reseed, a candidate that does not reproduce is retried with the
  // next opts_.reseeds seeds.
  bool accept(const json& doc, const std::string& what, bool reseed = false);
  void record(const std::string& what);
  // Delta debugging over items (indices into a list in the current doc).
  bool ddmin(std::vector<size_t> items, const std::function<json(const std::vector<size_t>&)>& make,
             const std::function<std::string(const std::vector<size_t>&)>& describe,
             bool reseed = false);

  bool pass_duration();
  bool pass_faults();
  bool pass_requestors();
  bool pass_resources();
  bool pass_servers();
  bool pass_clocks();
  bool pass_network();
  bool pass_shorten();
  bool pass_earlier_seed();

  // Names of the nodes / resource the first target violation names.
  std::set<std::string> involved_nodes() const;
  std::vector<std::string> involved_resources() const;
  // The earliest-detected violation of a target kind in the current run.
  const Violation* first_target() const;

  const Scenario& input_;
  const ShrinkOptions& opts_;
  std::chrono::steady_clock::time_point start_;
  std::set<ViolationKind> target_;
  json cur_;
  Scenario cur_sc_;
  RunResult cur_run_;
  Scenario cand_sc_;
  RunResult cand_run_;
  std::vector<std::string> steps_;
  uint64_t runs_ = 0, candidates_ = 0;
  bool exhausted_ = false;
  std::string label_;
};

bool Shrinker::budget_left() {
  if (runs_ >= opts_.max_runs) return false;
  if (opts_.max_wall_seconds > 0) {
    const double spent =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (spent >= opts_.max_wall_seconds) return false;
  }
  return true;
}

bool Shrinker::shows_target(const RunResult& r) const {
  for (const Violation& v : r.violations)
    if (target_.count(v.kind)) return true;
  return false;
}

bool Shrinker::test(const json& doc) {
  ++candidates_;
  LoadResult lr = load_scenario_json(doc, label_);
  if (!lr.ok()) return false;
  RunOptions ro;
  ro.max_events = opts_.max_events;
  // Stop at the first failure: fast when it is a target one; if it is not,
  // the run is repeated to the end to look for one.
  ro.stop_on_first_violation = true;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!budget_left()) {
      exhausted_ = true;
      return false;
    }
    World world(*lr.scenario, ro);
    RunResult r = world.run();
    ++runs_;
    if (shows_target(r)) {
      cand_sc_ = std::move(*lr.scenario);
      cand_run_ = std::move(r);
      return true;
    }
    if (r.reason != EndReason::kViolation) return false;
    ro.stop_on_first_violation = false;
  }
  return false;
}

void Shrinker::record(const std::string& what) {
  steps_.push_back(what);
  if (opts_.on_step) opts_.on_step(what);
}

bool Shrinker::accept(const json& doc, const std::string& what, bool reseed) {
  if (exhausted_) return false;
  json chosen = doc;
  bool ok = test(doc);
  std::string note;
  // Removing a node reshuffles who draws which random numbers, which can
  // hide a violation that has nothing to do with the node; a few other
  // seeds give such a candidate a fair chance. A reseeded run gets the
  // input's full duration back (the duration pass cuts it again): a new
  // seed's first violation need not fall inside the old seed's window.
  const uint64_t seed = cur_.value("seed", uint64_t{1});
  if (reseed && input_.duration > cur_sc_.duration)
    chosen["duration"] = format_duration(input_.duration);
  for (uint32_t i = 1; reseed && !ok && !exhausted_ && i <= opts_.reseeds; ++i) {
    chosen["seed"] = seed + i;
    ok = test(chosen);
    if (ok) note = " (with seed " + std::to_string(seed + i) + ")";
  }
  if (!ok) return false;
  cur_ = chosen;
  cur_sc_ = std::move(cand_sc_);
  cur_run_ = std::move(cand_run_);
  if (!what.empty()) record(what + note);
  return true;
}

bool Shrinker::ddmin(std::vector<size_t> items,
                     const std::function<json(const std::vector<size_t>&)>& make,
                     const std::function<std::string(const std::vector<size_t>&)>& describe,
                     bool reseed) {
  bool any = false;
  size_t n = 1;  // first try removing everything at once
  while (!items.empty() && !exhausted_) {
    const size_t chunk = (items.size() + n - 1) / n;
    bool found = false;
    for (size_t start = 0; start < items.size() && !exhausted_; start += chunk) {
      const std::vector<size_t> removed(
          items.begin() + static_cast<std::ptrdiff_t>(start),
          items.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, items.size())));
      if (accept(make(removed), describe(removed), reseed)) {
        std::vector<size_t> rest;
        for (const size_t it : items) {
          if (std::find(removed.begin(), removed.end(), it) != removed.end()) continue;
          size_t shift = 0;
          for (const size_t r : removed) shift += r < it;
          rest.push_back(it - shift);
        }
        items = std::move(rest);
        n = std::max<size_t>(n > 1 ? n - 1 : 1, 2);
        found = any = true;
        break;
      }
    }
    if (!found) {
      if (chunk <= 1) break;
      n = std::min(items.size(), n * 2);
    }
  }
  return any;
}

const Violation* Shrinker::first_target() const {
  const Violation* first = nullptr;
  for (const Violation& v : cur_run_.violations)
    if (target_.count(v.kind) && (!first || v.detected < first->detected)) first = &v;
  return first;
}

// Only the first target violation's parties are protected: a run that
// violates many times names nearly everyone, yet one violation suffices to
// reproduce the kind, and delta debugging finds out whether the others
// matter.
std::set<std::string> Shrinker::involved_nodes() const {
  std::set<std::string> out;
  const std::vector<std::string> names = cur_sc_.node_names();
  if (const Violation* v = first_target()) {
    if (v->first < names.size()) out.insert(names[v->first]);
    if (v->second < names.size()) out.insert(names[v->second]);
  }
  return out;
}

std::vector<std::string> Shrinker::involved_resources() const {
  std::vector<std::string> out;
  if (const Violation* v = first_target(); v && v->resource < cur_sc_.resources.size())
    out.push_back(cur_sc_.resources[v->resource]);
  return out;
}

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
  const json exploded = explode_requestors(cur_.value("requestors", json::array()));
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
        const json list = explode_requestors(cur_["requestors"]);
        json kept = json::array();
        for (size_t i = 0; i < list.size(); ++i) {
          if (std::find(removed.begin(), removed.end(), i) == removed.end())
            kept.push_back(list[i]);
          else
            remove_node_refs(&doc, list[i]["name"].get<std::string>());
        }
        doc["requestors"] = kept;
        return doc;
      },
      [&](const std::vector<size_t>& removed) {
        const json list = explode_requestors(cur_["requestors"]);
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
  const std::vector<std::string> all = resource_names(cur_);
  const std::vector<std::string> focus = involved_resources();
  if (focus.empty() || focus.size() >= all.size()) return false;
  json doc = cur_;
  doc["resources"] = focus;
  const std::set<std::string> keep(focus.begin(), focus.end());
  json reqs = json::array();
  std::vector<std::string> dropped_reqs;
  for (json r : explode_requestors(cur_.value("requestors", json::array()))) {
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
    if (mine.size() == 1) r["choice"] = "fixed";
    reqs.push_back(r);
  }
  doc["requestors"] = reqs;
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
    doc["core"]["servers"] = list;
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

ShrinkResult Shrinker::run() {
  ShrinkResult res;
  label_ = input_.file.empty() ? std::string("(shrink)") : input_.file;
  res.before = ScenarioSize::of(input_);
  res.minimal = input_;
  cur_ = scenario_to_json(input_);
  // Exploration limits do not affect a run; a reproducer does not need them.
  cur_.erase("explore");

  // The input's run, to the end, to learn the target.
  LoadResult lr = load_scenario_json(cur_, label_);
  if (!lr.ok()) return res;  // cannot happen for a loaded scenario
  cur_sc_ = std::move(*lr.scenario);
  {
    RunOptions ro;
    ro.max_events = opts_.max_events;
    World world(cur_sc_, ro);
    cur_run_ = world.run();
    ++runs_;
  }
  if (opts_.kinds.empty()) {
    for (const Violation& v : cur_run_.violations)
      if (!is_warning(v.kind)) target_.insert(v.kind);
  } else {
    target_.insert(opts_.kinds.begin(), opts_.kinds.end());
  }
  res.target.assign(target_.begin(), target_.end());
  if (target_.empty() || !shows_target(cur_run_)) {
    res.runs = runs_;
    res.after = res.before;
    res.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return res;
  }

  for (bool progress = true; progress && !exhausted_;) {
    progress = false;
    progress |= pass_duration();
    progress |= pass_faults();
    progress |= pass_requestors();
    progress |= pass_resources();
    progress |= pass_servers();
    progress |= pass_clocks();
    progress |= pass_network();
    progress |= pass_shorten();
    progress |= pass_earlier_seed();
  }

  // The result in canonical form, claiming what it shows.
  json out = scenario_to_json(cur_sc_);
  out.erase("explore");
  // One more run to the end: which target kinds the final scenario shows.
  RunResult final_run;
  {
    RunOptions ro;
    ro.max_events = opts_.max_events;
    World world(cur_sc_, ro);
    final_run = world.run();
    ++runs_;
  }
  std::set<ViolationKind> shown;
  for (const Violation& v : final_run.violations) {
    if (!target_.count(v.kind)) continue;
    if (res.violation.empty()) res.violation = v.summary;
    shown.insert(v.kind);
  }
  json kinds = json::array();
  for (const ViolationKind k : shown) kinds.push_back(to_string(k));
  out["expect"] = {{"safety", "violation"}, {"violations", kinds}};
  std::string desc = "Minimal reproducer of " +
                     join(
                         [&] {
                           std::vector<std::string> v;
                           for (const ViolationKind k : shown) v.push_back(to_string(k));
                           return v;
                         }(),
                         ", ") +
                     " found by leasesim shrink";
  if (!input_.file.empty()) desc += " from " + input_.file;
  desc += " (" + std::to_string(steps_.size()) + " step(s)).";
  if (!input_.description.empty()) desc += " Original: " + input_.description;
  out["description"] = desc;
  LoadResult back = load_scenario_json(out, label_);
  if (back.ok()) {
    res.minimal = std::move(*back.scenario);
    res.minimal.file.clear();
  } else {
    res.minimal = cur_sc_;
  }
  res.minimal_json = out;
  res.steps = steps_;
  res.status = steps_.empty() ? ShrinkResult::Status::kMinimal : ShrinkResult::Status::kShrunk;
  res.after = ScenarioSize::of(res.minimal);
  res.runs = runs_;
  res.candidates = candidates_;
  res.budget_exhausted = exhausted_;
  res.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return res;
}

}  // namespace

ScenarioSize ScenarioSize::of(const Scenario& s) {
  ScenarioSize z;
  z.faults = s.faults.size();
  z.requestors = s.requestors.size();
  z.servers = s.servers.size();
  z.resources = s.resources.size();
  z.duration = s.duration;
  return z;
}

std::string ScenarioSize::format() const {
  auto n = [](size_t k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  return n(faults, "fault", "faults") + ", " + n(requestors, "requestor", "requestors") + ", " +
         n(servers, "server", "servers") + ", " + n(resources, "resource", "resources") + ", " +
         format_duration(duration);
}

ShrinkResult shrink_scenario(const Scenario& input, const ShrinkOptions& options) {
  Shrinker s(input, options);
  return s.run();
}

}  // namespace leasesim
