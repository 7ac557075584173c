#include "leasesim/campaign/shrink.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "leasesim/protocol/registry.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/scenario/loader.hpp"
#include "shrink_impl.hpp"

namespace leasesim {
namespace shrink_detail {

bool Shrinker::budget_left() {
  // One run stays reserved for the final confirming run (run()), so the
  // whole shrink keeps to max_runs.
  if (runs_ + 1 >= opts_.max_runs) return false;
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
  changed_ = true;
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

ShrinkResult Shrinker::run() {
  ShrinkResult res;
  label_ = input_.file.empty() ? std::string("(shrink)") : input_.file;
  res.before = ScenarioSize::of(input_);
  res.minimal = input_;
  cur_ = scenario_to_json(input_);
  // Exploration limits do not affect a run; a reproducer does not need them.
  cur_.erase("explore");
  // Where this protocol keeps its requestors and servers (kv-lease:
  // "electors" and "kv").
  if (const ProtocolModule* m = find_protocol(input_.protocol)) {
    requestors_key_ = m->scenario_format().requestors_key;
    servers_key_ = m->scenario_format().servers_key;
  }

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
  res.input_end = cur_run_.end;
  res.input_reason = cur_run_.reason;
  const bool cut_short = leasesim::cut_short(cur_run_.reason);
  if (target_.empty() || !shows_target(cur_run_)) {
    if (cut_short) res.status = ShrinkResult::Status::kInputIncomplete;
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

  // The result in the form files are written in (only the knobs that
  // differ from the preset), claiming what it shows.
  json out = scenario_file_json(cur_sc_);
  out.erase("explore");
  // One more run to the end: which target kinds the final scenario shows
  // (an accepted candidate's run stopped at its first violation). Nothing
  // accepted: the input's own run to the end says it.
  RunResult final_run;
  if (changed_) {
    RunOptions ro;
    ro.max_events = opts_.max_events;
    World world(cur_sc_, ro);
    final_run = world.run();
    ++runs_;
  } else {
    final_run = cur_run_;
  }
  std::set<ViolationKind> shown;
  for (const Violation& v : final_run.violations) {
    if (!target_.count(v.kind)) continue;
    if (res.violation.empty()) res.violation = v.summary;
    shown.insert(v.kind);
  }
  json kinds = json::array();
  for (const ViolationKind k : shown) kinds.push_back(to_string(k));
  // Claim what the final run shows: a shrunk warning (latent_overlap) may
  // come without any violation, and a warning is never one.
  out["expect"] = {{"safety", final_run.failures > 0 ? "violation" : "holds"},
                   {"violations", kinds}};
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

}  // namespace shrink_detail

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
  shrink_detail::Shrinker s(input, options);
  return s.run();
}

}  // namespace leasesim
