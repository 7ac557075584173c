// The messages nodes exchange. One flat struct for every type, as in
// etcd/raft's raftpb.Message: each type uses a documented subset of the
// fields and leaves the rest at their defaults. A flat struct keeps message
// slots reusable (the world recycles them without reallocating `entries`).
//
// Field use by type:
//   kAcquire   requestor->server: resource, ttl, request_id
//   kRenew     requestor->server: resource, lease, request_id
//   kRelease   requestor->server: resource, lease, request_id
//   kGranted   server->requestor: resource, lease, token, ttl, request_id
//   kDenied    server->requestor: resource, error, holder, request_id, lease
//   kRenewed   server->requestor: resource, lease, ttl, request_id
//   kReleased  server->requestor: resource, lease, request_id
//   kRedirect  server->requestor: leader_hint (kInvalidNode = unknown), request_id
//   kRequestVote     term, index=last log index, log_term=last log term
//   kVoteReply       term, success=granted
//   kAppendEntries   term, index=prev index, log_term=prev term, commit, entries,
//                    stamp=the leader's monotonic clock at the send
//   kAppendReply     term, success, index=match index (success) or hint (reject),
//                    stamp=echo of the answered message's stamp
//   kInstallSnapshot term, index=snapshot index, log_term=snapshot term, snapshot, stamp
//   kWrite     requestor->storage: resource, token, lease, request_id
//   kWriteReply storage->requestor: resource, token, lease, success, error, request_id
//   kValidate  storage->server: resource, lease, token, request_id
//   kValidated server->storage: resource, lease, token, request_id, success,
//              ttl=validity window (success), error (no success)
// A server answers kValidate like a client request: kRedirect from a
// follower, kDenied(not_ready) from a leader that is not ready.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/protocol/types.hpp"

namespace leasesim {

enum class MsgType : uint16_t {
  kAcquire,
  kRenew,
  kRelease,
  kGranted,
  kDenied,
  kRenewed,
  kReleased,
  kRedirect,
  kRequestVote,
  kVoteReply,
  kAppendEntries,
  kAppendReply,
  kInstallSnapshot,
  kWrite,
  kWriteReply,
  kValidate,
  kValidated,
  kCount,
};
extern const char* const kMsgTypeNames[];
inline const char* to_string(MsgType t) {
  return kMsgTypeNames[static_cast<int>(t)];
}

// kValidate: a sequencer check (storage asks whether `lease` is current);
// it changes nothing in the table, but its commit makes the answer
// linearizable and tells later leaders a window may be open.
enum class EntryType : uint8_t { kNoop, kGrant, kRenew, kRelease, kExpire, kValidate, kCount };
extern const char* const kEntryTypeNames[];

// A replicated log entry. Its index is its position in the log.
struct LogEntry {
  Term term = 0;
  EntryType type = EntryType::kNoop;
  ResourceId resource = kNoResource;
  NodeId holder = kInvalidNode;  // grant: the requestor; validate: the storage node
  LeaseId lease = kNoLease;      // renew/release/expire/validate: the lease (0 = by resource)
  Duration ttl;                  // grant/renew; validate: the validity window
  TimePoint wall_expiry;         // grant/renew: the writing leader's wall clock + ttl
  uint64_t request_id = 0;       // grant/renew/release: for the reply
};

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

struct Message {
  MsgType type = MsgType::kAcquire;
  NodeId from = kInvalidNode;
  NodeId to = kInvalidNode;
  // Client fields.
  uint64_t request_id = 0;
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  Duration ttl;
  ErrorCode error = ErrorCode::kNone;
  NodeId holder = kInvalidNode;
  NodeId leader_hint = kInvalidNode;
  // Consensus fields.
  Term term = 0;
  LogIndex index = 0;
  Term log_term = 0;
  LogIndex commit = 0;
  bool success = false;
  TimePoint stamp;  // AppendEntries/InstallSnapshot send time (leader mono), echoed
  std::vector<LogEntry> entries;
  std::vector<LeaseRecord> snapshot;

  // Resets every field to its default but keeps the vectors' capacity.
  void reset(MsgType t, NodeId src, NodeId dst);

  // Becomes `o` (every field) and hands `o` this message's old vector
  // buffers, so both keep their capacity: the host moves a message from a
  // node's effects into its pool without allocating, in one move instead of
  // std::swap's three.
  void take(Message& o) {
    std::vector<LogEntry> old_entries = std::move(entries);
    std::vector<LeaseRecord> old_snapshot = std::move(snapshot);
    *this = std::move(o);
    o.entries = std::move(old_entries);
    o.snapshot = std::move(old_snapshot);
  }
};

}  // namespace leasesim
