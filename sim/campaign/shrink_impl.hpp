// The shrinker's insides (campaign/shrink.hpp is the interface), shared by
// shrink.cpp (the loop and its bookkeeping), shrink_passes.cpp (what each
// pass removes) and shrink_edit.cpp (edits of a scenario's JSON).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/campaign/shrink.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim::shrink_detail {

using nlohmann::json;

Duration dur_of(const json& v);

std::string str_of(const json& v);

// "crash n2 for 5s at 10s": a fault in words, from its JSON.
std::string fault_words(const json& f);

std::string fault_ref(const json& faults, size_t i);

std::string join(const std::vector<std::string>& v, const char* sep);

bool names_node(const json& v, const std::string& name);

// Removes everything in `doc` that names node `name`: its clock, its link
// overrides, faults aimed at it (and it from partition groups; a partition
// left with fewer than two groups goes). Returns the faults dropped.
size_t remove_node_refs(json* doc, const std::string& name);

// Requestor groups split into one group per requestor (same scenario).
json explode_requestors(const json& groups);

std::vector<std::string> resource_names(const json& doc);

// A constant latency near the model's typical value.
std::optional<json> constant_latency(const json& m);

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
  bool changed_ = false;  // a candidate was accepted: cur_sc_ is not the input
  std::string label_;
  // The protocol's keys for requestor groups and servers (Format).
  std::string requestors_key_;
  std::string servers_key_;
};

}  // namespace leasesim::shrink_detail
