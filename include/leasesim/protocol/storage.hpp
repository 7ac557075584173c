// The storage a holder writes to while it believes it holds a resource.
// With fencing on it rejects a write whose token is lower than the highest
// token it has accepted for that resource (Kleppmann's fencing tokens);
// with fencing off it accepts everything. Either way it records every
// write, accepted or rejected, for the checker.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim {

struct StorageConfig {
  NodeId self = kInvalidNode;
  uint32_t resources = 0;
  bool fencing = false;
};

// The highest accepted token per resource survives a storage crash.
struct StorageDisk final : DurableState {
  std::vector<uint64_t> highest;
};

class Storage final : public Node {
 public:
  Storage(const StorageConfig& config, StorageDisk& disk);
  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

 private:
  StorageConfig cfg_;
  StorageDisk& disk_;
};

}  // namespace leasesim
