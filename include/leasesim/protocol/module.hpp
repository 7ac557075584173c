// A protocol module: everything leasesim needs to know about one protocol
// family, behind one interface, so that the scenario loader, the world, the
// checker, the campaign layer and the CLI name no protocol (they find one
// by name in the registry, registry.hpp).
//
// A module provides
//   - its scenario block: the keys it owns in a scenario file (format
//     tables, so the loader validates them with its usual messages and
//     `leasesim schema` prints them), reading them into a ProtocolConfig
//     with diagnostics that name the file and the JSON pointer, its
//     cross-field rules, and its canonical JSON (shrink and sweep edit the
//     canonical JSON: to_json then load must give the same config);
//   - its presets and knobs, with descriptions (presets.hpp);
//   - the nodes a scenario has (NodeLayout) and a factory for each node and
//     its durable state;
//   - its trace vocabulary: the record kinds private to it (beside the
//     common observations of observations.hpp) and its message type names.
//
// docs/writing-a-protocol.md walks through writing one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/presets.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

// A module's parsed scenario block. Opaque to everything above the module;
// immutable once built (a campaign shares one across threads).
class ProtocolConfig {
 public:
  virtual ~ProtocolConfig() = default;
};

// A run's nodes, numbered densely in this order: the servers (ids
// 0..S-1; "leader" fault targets resolve among them, and with
// network.fifo_servers their links deliver in order), then the protocol's
// other nodes (a storage node), then the requestors in file order. The
// checker and the role-targeted faults judge nodes only by the records they
// emit, so the split matters for naming and numbering only.
struct NodeLayout {
  std::vector<std::string> servers;
  std::vector<std::string> others;
  std::vector<std::string> requestors;
};

// The names a module's canonical JSON refers to (owned by the Scenario).
struct ScenarioNames {
  std::span<const std::string> servers;
  std::span<const std::string> others;
  std::span<const std::string> requestors;
  std::span<const std::string> resources;
};

// What the loader hands a module reading its block.
struct BlockInput {
  const nlohmann::json& doc;  // the whole document, structurally checked
  const std::vector<std::string>& resources;
  const std::unordered_map<std::string, ResourceId>& resource_ids;
  bool resources_known = true;       // false: the resource list had errors
  std::optional<Duration> duration;  // the run's duration, if it was valid

  // Reports an unknown resource name at `pointer` (unless the resource
  // list itself was bad, which was reported already).
  void unknown_resource(format::Sink& diag, const std::string& pointer,
                        const std::string& name) const;
};

// What a module read from its block.
struct BlockOutput {
  std::shared_ptr<const ProtocolConfig> config;  // null only if errors were reported
  std::string preset;                            // its preset's name, for reports
  NodeLayout nodes;
  bool servers_known = true;     // the server names were read without errors
  bool requestors_known = true;  // the requestor names were read without errors
  // Where the name of node `id` is given in the file ("/requestors/2/name"),
  // for duplicate-name messages. Called only for servers and requestors.
  std::function<std::string(NodeId)> origin;
  // Names no server or requestor may take, with the reason shown
  // ("it names the storage node"). "leader" is always reserved.
  std::vector<std::pair<std::string, std::string>> reserved;
  // Rules across the block and the rest of the scenario whose messages come
  // after the generic sections' (the loader calls it last). May be empty.
  std::function<void(format::Sink&)> late_checks;
};

// Makes the processes of one run (ProtocolModule::node_factory). Lives
// as long as the run; what it hands its nodes it may share among them.
class NodeFactory {
 public:
  virtual ~NodeFactory() = default;
  // A fresh process for node `id` (first start, or a restart over `disk`).
  virtual std::unique_ptr<Node> make_node(NodeId id, DurableState* disk, Rng rng) = 0;
};

class ProtocolModule {
 public:
  virtual ~ProtocolModule() = default;

  virtual std::string_view name() const = 0;  // as scenarios name it: "raft-lease"
  virtual std::string_view description() const = 0;

  // --- The scenario block -------------------------------------------------
  // A top-level key the module owns, placed in the documented key order
  // right after the key `after` (a generic key or an earlier one of its own).
  struct TopKey {
    format::Field field;
    std::string after;
  };
  struct Format {
    // Fields of the "protocol" object besides "name" (presets, knobs).
    std::vector<format::Field> protocol_fields;
    std::vector<TopKey> top_keys;
    // The keys `leasesim shrink` edits, if the module has them: the list of
    // requestor groups (each naming its members with name, names or count
    // + prefix, and wanting "resources": "all" or a list), and the object
    // whose "servers" lists the servers. Empty: none to remove.
    std::string requestors_key = "requestors";
    std::string servers_key = "core";
  };
  // Built once, alive for the program's life (types point into it).
  virtual const Format& scenario_format() const = 0;

  // Reads the module's keys from a document that passed the structural
  // check (values that failed it read as absent), reporting every problem
  // with its JSON pointer. Runs before the generic sections that refer to
  // nodes (clocks, links, faults).
  virtual BlockOutput load(const BlockInput& in, format::Sink& diag) const = 0;
  // Roughly how many engine events a simulated second of this config
  // costs, for the loader's refusal of absurdly large runs.
  virtual double events_per_second(const ProtocolConfig& config) const = 0;
  // The module's keys in canonical form (every field explicit), written into
  // `doc`; "protocol" gets the module's fields and the caller adds "name".
  // load() of the result gives an identical config.
  virtual void to_json(const ProtocolConfig& config, const ScenarioNames& names,
                       nlohmann::json* doc) const = 0;

  // --- Presets and knobs --------------------------------------------------
  virtual ProtocolCatalog catalog() const = 0;
  virtual std::vector<KnobSetting> effective_knobs(const ProtocolConfig& config) const = 0;

  // --- Running ------------------------------------------------------------
  // Node `id`'s durable state (what survives its crashes), or null if it
  // keeps nothing. Called once per node per run.
  virtual std::unique_ptr<DurableState> make_disk(const ProtocolConfig& config,
                                                  NodeId id) const = 0;
  // A fresh process for node `id` (first start, or a restart over `disk`).
  virtual std::unique_ptr<Node> make_node(const ProtocolConfig& config, NodeId id,
                                          DurableState* disk, Rng rng) const = 0;
  // The maker of one run's processes. The world asks for one per run,
  // before the first node, and keeps it until the run ends; it calls its
  // make_node where it would call the module's. A module overrides this to
  // let the nodes of a run share read-only state (raft-lease: one
  // configuration for each stretch of identically configured requestors,
  // instead of a copy in every requestor). The default calls make_node
  // above. Either way a node is the same process: sharing saves memory and
  // cache misses, never changes behaviour.
  virtual std::unique_ptr<NodeFactory> node_factory(const ProtocolConfig& config) const;

  // --- Trace vocabulary ---------------------------------------------------
  // Record kinds private to the protocol (numbered from
  // obs::kProtocolPrivate), for the trace schema.
  virtual std::span<const KindDesc> record_kinds() const = 0;
  // Names of its message types, indexed by Message::type.
  virtual std::span<const char* const> message_names() const = 0;
};

}  // namespace leasesim
