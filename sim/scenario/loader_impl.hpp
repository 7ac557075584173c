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

#include "diagnostics.hpp"
#include "format_tables.hpp"
#include "json_reader.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::scenario_detail {

// One entry of "requestors" (or the default requestor).
struct RequestorGroup {
  enum class Naming : uint8_t { kDefault, kName, kNames, kCount };
  std::string path;  // "/requestors/3", or "" for the default requestor
  Naming naming = Naming::kDefault;
  std::vector<std::string> names;  // kDefault, kName, kNames
  std::string prefix;              // kCount
  size_t first = 0;                // index of its first requestor in Scenario::requestors
  size_t count = 0;
  bool ttl_set = false;    // ttl given in the group
  bool renew_set = false;  // renew_every given in the group
  RequestorConfig config;  // the shared configuration
};

class Loader {
 public:
  Loader(const json& doc, Sink* sink) : doc_(doc), sink_(sink), t_(tables()) {}

  // Fills the scenario; returns it if no error was reported.
  std::optional<Scenario> run(const std::string& file);

 private:
  // loader_core.cpp
  void read_top();
  void read_protocol();
  void read_core();
  void read_resources();
  void read_lease();
  void read_expect();

  // loader_requestors.cpp
  void read_requestors();
  bool read_group(const json* g, const std::string& path, RequestorGroup* out);
  void expand_groups(const json* list);
  void number_nodes();
  bool add_node_name(const std::string& name, NodeId id);
  std::string node_origin(NodeId id) const;

  // loader_network.cpp
  void read_network();
  // Reads a latency object that passed the structural check.
  LatencyModel read_latency(const json& j, const std::string& pointer);
  void read_clocks();

  // loader_faults.cpp
  void read_faults();
  bool resolve_target(const json* j, const std::string& path, FaultTarget* out);
  bool resolve_node(const json* j, const std::string& path, NodeId* out);

  // loader_explore.cpp
  void read_explore();

  // semantic_checks.cpp
  void check_core_timing();
  void check_max_ttl();
  void check_requestor_timing();
  void check_event_budget();
  void check_fault_script();

  // Helpers.
  const json* doc_member(std::string_view key) const { return member(&doc_, t_.root, key); }
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
  Scenario s_;

  // Name resolution. *_known: the list was read without errors, so a
  // reference that does not resolve is the reference's fault.
  bool servers_known_ = true;
  bool resources_known_ = true;
  bool requestors_known_ = true;
  bool nodes_known() const { return servers_known_ && requestors_known_; }
  bool servers_listed_ = false;  // given as an array of names
  std::unordered_map<std::string, NodeId> node_ids_;
  std::unordered_map<std::string, ResourceId> resource_ids_;

  bool duration_known_ = false;          // s_.duration was read from a valid value
  std::vector<std::string> node_names_;  // cache for messages

  // Lease defaults.
  Duration lease_ttl_ = seconds(5);
  Duration lease_renew_ = Duration(seconds(5).ns() / 3);
  std::optional<Duration> max_ttl_;
  std::vector<RequestorGroup> groups_;

  // The original index of each fault in s_.faults (before sorting).
  std::vector<size_t> fault_index_;
};

}  // namespace leasesim::scenario_detail
