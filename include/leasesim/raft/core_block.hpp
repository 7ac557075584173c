// The scenario block that sets up a Raft core: raft-lease's and
// session-lease's `core`, kv-lease's `kv`. Its keys (servers,
// election_timeout {min, max, granularity}, heartbeat, snapshot_every,
// max_append_entries, pre_vote), their table entries, their reading, the
// rules across them and their canonical JSON are written here once, so every
// family reads, checks, documents and writes a core alike, and a setting
// added to the core reaches each family the same way
// (docs/scenario-format.md, "core").
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/ids.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/raft/config.hpp"

namespace leasesim::raft {

// Which keys a family's block has, and what the schema says of it.
struct CoreBlockSpec {
  std::string key;                 // the block's top-level key ("core", "kv"), for pointers
  std::string description;         // the block's description
  bool max_append_entries = true;  // the block has the key (else the setting's default holds)
  bool pre_vote = true;            // the block has the key
  // The family's own keys, placed right after "heartbeat".
  std::vector<format::Field> extra;
};

// The block's types, made once into a family's Builder.
struct CoreBlockTypes {
  const format::Type* block = nullptr;
  const format::Type* election_timeout = nullptr;
  CoreBlockSpec spec;
};
CoreBlockTypes build_core_block(format::Builder& b, CoreBlockSpec spec);

// A block as read (one that may have failed validation: keys absent or
// invalid keep their defaults; invalid ones are already reported).
struct CoreBlock {
  CoreSettings settings;
  uint32_t servers = 3;         // how many
  bool servers_listed = false;  // given as names, each with its own pointer
  // The rules across the block's keys, to run after the generic sections'
  // (BlockOutput::late_checks): election_timeout min <= max, both multiples
  // of its granularity, a heartbeat shorter than election_timeout.min; and a
  // warning for an even number of servers. Keys whose own value was invalid
  // are not checked again.
  std::function<void(format::Sink&)> checks;
};
// Reads `block` (the document's value of the block's key, or null): the
// servers' names into out->nodes.servers in node-id order (as listed, or
// n1..nN for a count, n1..n3 when the key is left out or invalid, when
// out->servers_known becomes false), the rest into the result.
CoreBlock read_core_block(const nlohmann::json* block, const CoreBlockTypes& t, BlockOutput* out);

// Where server `id`'s name is given, for duplicate-name messages:
// "/core/servers/1" when listed, else "/core/servers".
std::string server_origin(const CoreBlockTypes& t, bool listed, NodeId id);

// The block in canonical JSON (every key of the spec explicit, except
// election_timeout.granularity and pre_vote, written only when set, so that
// files written before those keys existed read and write the same). The
// family adds its `extra` keys. read_core_block() reads it back to the same.
nlohmann::json core_block_json(const CoreBlockTypes& t, const CoreSettings& s,
                               std::span<const std::string> servers);

}  // namespace leasesim::raft
