// What raft-lease's log entries and snapshots carry: the lease table's
// commands (one per entry, its EntryType as the entry's kind) and its
// snapshot items (one per held lease).
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim::raft_lease {

// kValidate: a sequencer check (storage asks whether `lease` is current);
// it changes nothing in the table, but its commit makes the answer
// linearizable and tells later leaders a window may be open. kNoop (0) is
// the Raft core's own no-op.
enum class EntryType : uint8_t { kNoop, kGrant, kRenew, kRelease, kExpire, kValidate, kCount };
inline constexpr const char* kEntryTypeNames[] = {"noop",    "grant",  "renew",
                                                  "release", "expire", "validate"};
static_assert(std::size(kEntryTypeNames) == static_cast<size_t>(EntryType::kCount));

struct LeaseCommand {
  ResourceId resource = kNoResource;
  NodeId holder = kInvalidNode;  // grant: the requestor; validate: the storage node
  LeaseId lease = kNoLease;      // renew/release/expire/validate: the lease (0 = by resource)
  Duration ttl;                  // grant/renew; validate: the validity window
  TimePoint wall_expiry;         // grant/renew: the writing leader's wall clock + ttl
  uint64_t request_id = 0;       // grant/renew/release: for the reply
};

inline EntryType type_of(const LogEntry& e) {
  return static_cast<EntryType>(e.kind);
}
// The entry's command; a no-op reads as an empty command.
inline const LeaseCommand& command_of(const LogEntry& e) {
  static constexpr LeaseCommand kNone{};
  return e.kind == 0 ? kNone : e.command<LeaseCommand>();
}
// An entry of `type` in `term` carrying `c` (tests and the leader).
inline LogEntry make_entry(Term term, EntryType type, const LeaseCommand& c = LeaseCommand{}) {
  LogEntry e;
  e.term = term;
  if (type == EntryType::kNoop) return e;
  e.set_command<LeaseCommand>(static_cast<uint16_t>(type)) = c;
  return e;
}

// One held lease in a snapshot of the lease table.
struct LeaseRecord {
  ResourceId resource = kNoResource;
  NodeId holder = kInvalidNode;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  Duration ttl;
  TimePoint wall_expiry;
  uint64_t request_id = 0;
};

// A 64-bit digest of an entry's content, used by the checker to verify
// that a committed index never changes. Its value is part of the trace.
uint64_t entry_digest(const LogEntry& e);

}  // namespace leasesim::raft_lease
