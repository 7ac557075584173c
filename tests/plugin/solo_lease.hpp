// solo-lease: a protocol module written outside leasesim's source tree,
// the one docs/writing-a-protocol.md walks through. One lease server
// without consensus keeps the lease table in memory; requestors acquire,
// renew and release leases from it and believe they hold one until a
// deadline on their own monotonic clock.
//
//   safe      the holder anchors its deadline at the send of the request and
//             gives up `margin` early; a restarted server grants nothing for
//             one ttl (it forgot its table);
//   trusting  anchored at the reply's receipt, no margin, no wait after a
//             restart: a delayed reply or a server crash gives two holders.
//
// Its scenario block is the protocol's preset and knobs and one top-level
// key, "solo" (tests/plugin/data/*.json).
#pragma once

#include <cstdint>
#include <string>

#include "leasesim/protocol/module.hpp"

namespace leasesim::solo {

enum class Anchor : uint8_t { kSend, kReceipt };

struct Knobs {
  Anchor anchor = Anchor::kSend;
  Duration margin = milliseconds(50);  // the holder gives up this much early
  bool restart_wait = true;            // a restarted server grants nothing for a ttl
};
// The preset's knobs; false for an unknown name.
bool preset_knobs(std::string_view preset, Knobs* out);

struct Config final : ProtocolConfig {
  std::string preset = "safe";
  Knobs knobs;
  uint32_t requestors = 2;
  std::string prefix = "c";  // requestor names: prefix1, prefix2, ...
  std::string server = "server";
  uint32_t resources = 1;
  Duration ttl = seconds(2);
  Duration renew_every = milliseconds(500);
  Duration hold = seconds(3);
  Duration think = milliseconds(500);
};

// Message types (the module names them for traces).
enum class MsgType : uint16_t {
  kAcquire,
  kRenew,
  kRelease,
  kGranted,
  kDenied,
  kRenewed,
  kReleased
};

struct SoloMsg {
  static constexpr uint16_t kTag = 16;
  uint64_t request_id = 0;
  LeaseId lease = kNoLease;
  Duration ttl;
};

// What the server keeps across crashes: a counter that numbers leases and
// lease changes, so ids and record indices keep growing after a restart.
struct ServerDisk final : DurableState {
  uint64_t next = 1;
  uint64_t starts = 0;
};

std::unique_ptr<Node> make_server(const Config& c, ServerDisk& disk);
std::unique_ptr<Node> make_requestor(const Config& c, NodeId self, Rng rng);

const ProtocolModule& module();

}  // namespace leasesim::solo
