// kv-lease's messages and log commands. The Raft core's five types sit at
// kRaftMsgBase (raft/messages.hpp); the store's own use one payload, KvMsg:
//   kGet          elector->server: request_id (resource: the key)
//   kGetReply     server->elector: request_id, status, record (version 0: not found)
//   kUpdate       elector->server: request_id, record (version = the expected one)
//   kUpdateReply  server->elector: request_id, record as written, lease
//   kConflict     server->elector: request_id, record as found (the version
//                 did not match)
//   kRedirect     server->elector: request_id, leader hint (record.holder)
//   kUnavailable  server->elector: request_id (the leader cannot serve it yet)
// The numbering is part of the trace: it never changes.
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/types.hpp"
#include "leasesim/raft/messages.hpp"

namespace leasesim::kv_lease {

enum class MsgType : uint16_t {
  kGet,
  kGetReply,
  kUpdate,
  kUpdateReply,
  kRedirect,
  kUnavailable,
  kConflict,
  kRequestVote,  // the Raft core's five, from kRaftMsgBase
  kVoteReply,
  kAppendEntries,
  kAppendReply,
  kInstallSnapshot,
  kCount,
};
inline constexpr uint16_t kRaftMsgBase = static_cast<uint16_t>(MsgType::kRequestVote);
static_assert(static_cast<uint16_t>(MsgType::kInstallSnapshot) ==
              kRaftMsgBase + static_cast<uint16_t>(raft::MsgKind::kInstallSnapshot));

inline constexpr const char* kMsgTypeNames[] = {
    "get",      "get_reply",    "update",     "update_reply",   "redirect",     "unavailable",
    "conflict", "request_vote", "vote_reply", "append_entries", "append_reply", "install_snapshot"};
static_assert(std::size(kMsgTypeNames) == static_cast<size_t>(MsgType::kCount));
inline MsgType type_of(const Message& m) {
  return static_cast<MsgType>(m.type);
}

// The Lease object of one key (coordination.k8s.io/v1 Lease spec plus its
// resourceVersion). The holder identity is (holder, incarnation): a node
// and which of its lives (client-go identities are hostname + a UUID per
// process, so a restarted process is a new candidate); holder kInvalidNode
// is the empty holderIdentity. Times are the writer's wall clock, as
// client-go writes them.
struct LeaseRecord {
  uint64_t version = 0;  // the log index of the write that made it; 0: no object
  Duration lease_duration;
  TimePoint acquire_time;
  TimePoint renew_time;
  NodeId holder = kInvalidNode;
  uint32_t incarnation = 0;
  uint32_t transitions = 0;
  bool same_holder(const LeaseRecord& o) const {
    return holder == o.holder && incarnation == o.incarnation;
  }
  bool same_spec(const LeaseRecord& o) const {
    return lease_duration == o.lease_duration && acquire_time == o.acquire_time &&
           renew_time == o.renew_time && same_holder(o) && transitions == o.transitions;
  }
};

enum class Status : uint8_t { kOk, kConflict };

struct KvMsg {
  static constexpr uint16_t kTag = 16;
  uint64_t request_id = 0;
  LeaseRecord record;
  uint64_t lease = 0;  // replies: the version at which record's holder became holder
};
static_assert(sizeof(KvMsg) <= kMessagePayloadBytes);

// The log command of an Update (kind kUpdateEntry).
inline constexpr uint16_t kUpdateEntry = 1;
struct UpdateCommand {
  uint64_t expected = 0;  // the version the writer read
  Duration lease_duration;
  TimePoint acquire_time;
  TimePoint renew_time;
  NodeId holder = kInvalidNode;
  uint32_t incarnation = 0;
  uint32_t transitions = 0;
  ResourceId resource = kNoResource;
};
static_assert(sizeof(UpdateCommand) <= kCommandBytes);

// One key of the store in a snapshot: two items per resource, in key
// order, the record then its lease.
struct StoredLease {
  uint64_t lease = 0;
};
static_assert(sizeof(LeaseRecord) <= kSnapshotItemBytes);

}  // namespace leasesim::kv_lease
