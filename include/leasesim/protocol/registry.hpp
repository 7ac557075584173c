// The protocols leasesim can simulate, by name. A protocol family supplies
// its server and requestor nodes and the record kinds private to it; the
// world builds a run from these factories and never names a protocol's
// classes itself. To add one: write its nodes beside lease_server.cpp,
// implement a ProtocolFactory, and add it to the table in registry.cpp.
// The engine and the checker stay untouched: the checker judges any
// protocol from the common observations (observations.hpp).
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/lease_server.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/requestor.hpp"

namespace leasesim {

class ProtocolFactory {
 public:
  virtual ~ProtocolFactory() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::unique_ptr<DurableState> make_server_disk() const = 0;
  virtual std::unique_ptr<Node> make_server(const ServerConfig& config, DurableState& disk,
                                            Rng rng) const = 0;
  virtual std::unique_ptr<Node> make_requestor(const RequestorConfig& config, Rng rng) const = 0;
  // Record kinds private to this protocol, for the trace schema.
  virtual std::span<const KindDesc> record_kinds() const = 0;
};

// nullptr if no protocol has that name.
const ProtocolFactory* find_protocol(std::string_view name);
std::span<const ProtocolFactory* const> protocols();

// The Raft-based consistent core with a replicated lease table.
const ProtocolFactory& raft_lease_protocol();

}  // namespace leasesim
