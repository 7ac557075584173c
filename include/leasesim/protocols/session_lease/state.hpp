// session-lease's replicated state: the sessions and the lock of each
// resource, the log commands that change them, and their snapshot items.
// Every server applies the same committed commands in log order; no clock
// appears here (a session's expiry lives in the leader's memory and is
// re-established by every new leader, as in Chubby and ZooKeeper).
//
// Invariants: session ids are the log indices of their open entries, so
// they only grow; a lock's lease id and token (its generation, Chubby's
// sequencer number) are the log index of its grant, so per resource they
// only grow; every held lock belongs to a live session.
#pragma once

#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/types.hpp"
#include "leasesim/protocols/session_lease/messages.hpp"

namespace leasesim::session_lease {

// kNoop (0) is the Raft core's own. kValidate (a sequencer check) changes
// nothing, but its commit makes the answer linearizable and tells later
// leaders a validity window may be open.
enum class EntryType : uint8_t { kNoop, kOpen, kExpire, kAcquire, kRelease, kValidate, kCount };
inline constexpr const char* kEntryTypeNames[] = {"noop",    "open",    "expire",
                                                  "acquire", "release", "validate"};
static_assert(std::size(kEntryTypeNames) == static_cast<size_t>(EntryType::kCount));

struct Command {
  SessionId session = kNoSession;  // expire/acquire/release
  LeaseId lease = kNoLease;        // release/validate
  uint64_t request_id = 0;         // open/acquire/release/validate: for the reply
  Duration timeout;                // open: the session timeout; validate: the window
  ResourceId resource = kNoResource;
  NodeId client = kInvalidNode;  // open/acquire/release: the client; validate: storage
};

inline EntryType type_of(const LogEntry& e) {
  return static_cast<EntryType>(e.kind);
}
inline LogEntry make_entry(Term term, EntryType type, const Command& c = Command{}) {
  LogEntry e;
  e.term = term;
  if (type == EntryType::kNoop) return e;
  e.set_command<Command>(static_cast<uint16_t>(type)) = c;
  return e;
}
// A 64-bit digest of an entry's content (the Committed record's).
uint64_t entry_digest(const LogEntry& e);

struct Session {
  SessionId id = kNoSession;
  NodeId client = kInvalidNode;
  Duration timeout;
  uint64_t request_id = 0;  // of the open request, for retries
};

struct Lock {
  SessionId session = kNoSession;  // kNoSession: free
  NodeId holder = kInvalidNode;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  uint64_t request_id = 0;  // of the acquire, for retries
};

enum class Outcome : uint8_t {
  kNone,      // a no-op
  kOpened,    // a session was created (id = the index)
  kExpired,   // a session was removed and its locks freed
  kGranted,   // a lock was granted
  kRefused,   // acquire: held or no such session
  kReleased,  // a lock was released
  kIgnored,   // nothing to do (expire/release of something gone)
  kValid,     // validate: the lease is the resource's current lock
  kInvalid,   // validate: it is not
};

class SessionTable {
 public:
  explicit SessionTable(uint32_t resources) : locks_(resources) {}

  // Applies a committed entry at `index`. For kExpired, *freed receives
  // the (resource, lease) of every lock the expiry freed, in resource order.
  Outcome apply(LogIndex index, const LogEntry& e,
                std::vector<std::pair<ResourceId, LeaseId>>* freed);

  const Session* find(SessionId id) const;
  const std::vector<Session>& sessions() const { return sessions_; }  // by id
  const Lock& lock(ResourceId r) const { return locks_[r]; }
  uint32_t resources() const { return static_cast<uint32_t>(locks_.size()); }

  void snapshot(std::vector<SnapshotItem>* out) const;
  void load(std::span<const SnapshotItem> items);

 private:
  std::vector<Session> sessions_;  // sorted by id
  std::vector<Lock> locks_;        // per resource
};

}  // namespace leasesim::session_lease
