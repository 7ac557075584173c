// Internal to the scenario loader: the semantic pass. It runs after the
// structural check (json_reader.hpp) and reads values through the same
// tables, so anything malformed has already been reported and reads as
// "absent"; this pass resolves names, applies defaults and checks the
// rules that span several fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "format_tables.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::scenario_detail {

class Loader {
 public:
  Loader(const json& doc, Sink* sink) : doc_(doc), sink_(sink), t_(tables()) {}
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Fills the scenario; returns it if no error was reported.
  std::optional<Scenario> run(const std::string& file);

 private:
  // loader_core.cpp
  const ProtocolModule& pick_protocol();
  void read_top();
  void read_resources();
  void read_protocol_block();
  void read_expect();

  // loader_nodes.cpp
  void number_nodes();
  bool add_node_name(const std::string& name, NodeId id);

  // loader_network.cpp
  void read_network();
  // Reads a latency object that passed the structural check.
  LatencyModel read_latency(const json& j, const std::string& pointer);
  void read_clocks();

  // loader_timing.cpp
  void read_timing();
  // A duration (a constant) or a latency object, at obj[key], if present.
  std::optional<LatencyModel> read_dist(const json* obj, const Type* t, std::string_view key,
                                        const std::string& path);
  void read_node_timing(const json* obj, const std::string& path, NodeTiming* out);

  // loader_faults.cpp
  void read_faults();
  // A duration or a {"min", "max"} range at obj[key] (min == max for a
  // plain duration); false if absent or invalid.
  bool get_range(const json* obj, const Type* t, std::string_view key, const std::string& path,
                 Duration* lo, Duration* hi);
  bool read_length(const json* f, const Type* vt, const std::string& path, Fault* fault);
  bool resolve_target(const json* j, const std::string& path, FaultTarget* out);
  bool resolve_node(const json* j, const std::string& path, NodeId* out);

  // loader_explore.cpp
  void read_explore();

  // semantic_checks.cpp
  void check_event_budget();
  void check_fault_script();

  // Helpers.
  const json* doc_member(std::string_view key) const { return member(&doc_, root_, key); }
  void error(const std::string& pointer, std::string message) {
    sink_->error(pointer, std::move(message));
  }
  void warning(const std::string& pointer, std::string message) {
    sink_->warning(pointer, std::move(message));
  }
  void unknown_node(const std::string& pointer, const std::string& name);
  const std::vector<std::string>& node_names();
  void unknown_resource(const std::string& pointer, const std::string& name);
  // Reports min > max for a range read from `pointer`.
  bool check_order(const std::string& pointer, Duration lo, Duration hi, const char* what);

  const json& doc_;
  Sink* sink_;
  const Tables& t_;
  const Type* root_ = nullptr;  // the merged root of the scenario's protocol
  Scenario s_;
  BlockOutput block_;  // what the protocol module read

  // Name resolution. *_known: the list was read without errors, so a
  // reference that does not resolve is the reference's fault.
  bool servers_known_ = true;
  bool resources_known_ = true;
  bool requestors_known_ = true;
  bool nodes_known() const { return servers_known_ && requestors_known_; }
  std::unordered_map<std::string, NodeId> node_ids_;
  std::unordered_map<std::string, ResourceId> resource_ids_;

  bool duration_known_ = false;          // s_.duration was read from a valid value
  std::vector<std::string> node_names_;  // cache for messages

  // The original index of each fault in s_.faults (before sorting).
  std::vector<size_t> fault_index_;
};

}  // namespace leasesim::scenario_detail
