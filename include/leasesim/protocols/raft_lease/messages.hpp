// raft-lease's messages. The Raft core's five types sit at kRaftMsgBase
// (raft/messages.hpp); the lease protocol's own use one payload, LeaseMsg,
// whose fields each type uses a documented subset of:
//   kAcquire   requestor->server: resource, ttl, request_id, attempt
//   kRenew     requestor->server: resource, lease, request_id
//   kRelease   requestor->server: resource, lease, request_id, attempt
//   kGranted   server->requestor: resource, lease, token, ttl, request_id
//   kDenied    server->requestor: resource, error, holder, request_id, lease,
//              attempt (a refusal at once, not at commit)
//   kRenewed   server->requestor: resource, lease, ttl, request_id
//   kReleased  server->requestor: resource, lease, request_id
//   kRedirect  server->requestor: leader_hint (kInvalidNode = unknown), request_id,
//              attempt
//   kWrite     requestor->storage: resource, token, lease, request_id
//   kWriteReply storage->requestor: resource, token, lease, success, error, request_id
//   kValidate  storage->server: resource, lease, token, request_id, attempt
//   kValidated server->storage: resource, lease, token, request_id, success,
//              ttl=validity window (success), error (no success)
// `resource` is the message header's. A server answers kValidate like a
// client request: kRedirect from a follower, kDenied(not_ready) from a
// leader that is not ready.
// request_id names an acquire or release, the same in every send of it (the
// leader recognises a retry by it); attempt names one send of it, and the
// server's immediate answers (a redirect, a refusal before anything is
// logged) echo it, so a requestor acts only on the answer to its latest
// send: a duplicated or overtaken answer to an earlier send would start a
// second retry chain beside the first. (A renewal has a request id of its
// own per send.) Storage names each VALIDATE send the same way (request_id:
// one question, one anchor; attempt: one send of it), so that a copy of a
// redirect sends the question on once.
//
// The numbering is part of the trace (send/deliver records) and so of the
// trace hash: it never changes.
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/types.hpp"
#include "leasesim/raft/messages.hpp"

namespace leasesim::raft_lease {

enum class MsgType : uint16_t {
  kAcquire,
  kRenew,
  kRelease,
  kGranted,
  kDenied,
  kRenewed,
  kReleased,
  kRedirect,
  kRequestVote,  // the Raft core's five, from kRaftMsgBase
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
inline constexpr uint16_t kRaftMsgBase = static_cast<uint16_t>(MsgType::kRequestVote);
static_assert(static_cast<uint16_t>(MsgType::kInstallSnapshot) ==
              kRaftMsgBase + static_cast<uint16_t>(raft::MsgKind::kInstallSnapshot));

inline constexpr const char* kMsgTypeNames[] = {
    "acquire",          "renew",    "release",      "granted",    "denied",         "renewed",
    "released",         "redirect", "request_vote", "vote_reply", "append_entries", "append_reply",
    "install_snapshot", "write",    "write_reply",  "validate",   "validated"};
static_assert(std::size(kMsgTypeNames) == static_cast<size_t>(MsgType::kCount));
inline const char* to_string(MsgType t) {
  return kMsgTypeNames[static_cast<size_t>(t)];
}
inline MsgType type_of(const Message& m) {
  return static_cast<MsgType>(m.type);
}

struct LeaseMsg {
  static constexpr uint16_t kTag = 16;
  uint64_t request_id = 0;
  uint64_t attempt = 0;  // which send of an acquire/release/validate (0: none)
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  Duration ttl;
  NodeId holder = kInvalidNode;
  NodeId leader_hint = kInvalidNode;
  ErrorCode error = ErrorCode::kNone;
  bool success = false;
};

}  // namespace leasesim::raft_lease
