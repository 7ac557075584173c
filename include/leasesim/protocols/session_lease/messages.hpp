// session-lease's messages. The client protocol uses one payload,
// SessionMsg; the storage sub-protocol (write, write_reply, validate,
// validated, and the denied/redirect answers to a validate) is raft-lease's,
// with its LeaseMsg payload, numbered the same, so raft-lease's Storage node
// (its fencing and sequencer checking) runs unchanged as this protocol's
// storage (the master's redirect or refusal of a validate echoes its
// attempt, as raft-lease's servers do). Field use by type (SessionMsg):
//   kOpenSession    client->server: request_id
//   kSessionOpened  server->client: session, timeout, request_id
//   kKeepAlive      client->server: session, request_id
//   kKeepAliveOk    server->client: session, timeout, request_id
//   kSessionExpired server->client: session, request_id (the session is gone)
//   kAcquire        client->server: resource, session, request_id, attempt
//   kGranted        server->client: resource, session, lease, token, request_id
//   kDenied         server->client: resource, error, holder, request_id, lease,
//                                   attempt (a refusal at once, not at commit)
//   kRelease        client->server: resource, session, lease, request_id, attempt
//   kReleased       server->client: resource, lease, request_id
//   kRedirect       server->client: leader_hint (kInvalidNode = unknown), request_id,
//                                   attempt
// `resource` is the message header's. The numbering is part of the trace.
// request_id names the request, the same in every send of it (a retry
// must be recognised as the request it repeats); attempt names one send of
// it, and the master's immediate answers (a redirect, a refusal before
// anything is logged) echo it, so a client acts only on the answer to its
// latest send: a duplicated or overtaken answer to an earlier send would
// start a second retry chain beside the first.
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/types.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/raft/messages.hpp"

namespace leasesim::session_lease {

enum class MsgType : uint16_t {
  kOpenSession,
  kKeepAlive,
  kAcquire,
  kGranted,
  kDenied,  // = raft-lease's (storage reads it)
  kKeepAliveOk,
  kRelease,
  kRedirect,     // = raft-lease's
  kRequestVote,  // the Raft core's five, from kRaftMsgBase
  kVoteReply,
  kAppendEntries,
  kAppendReply,
  kInstallSnapshot,
  kWrite,  // raft-lease's storage sub-protocol, same numbers
  kWriteReply,
  kValidate,
  kValidated,
  kReleased,
  kSessionOpened,
  kSessionExpired,
  kCount,
};
inline constexpr uint16_t kRaftMsgBase = static_cast<uint16_t>(MsgType::kRequestVote);

namespace rl = raft_lease;
static_assert(kRaftMsgBase == rl::kRaftMsgBase);
static_assert(static_cast<uint16_t>(MsgType::kDenied) ==
              static_cast<uint16_t>(rl::MsgType::kDenied));
static_assert(static_cast<uint16_t>(MsgType::kRedirect) ==
              static_cast<uint16_t>(rl::MsgType::kRedirect));
static_assert(static_cast<uint16_t>(MsgType::kWrite) == static_cast<uint16_t>(rl::MsgType::kWrite));
static_assert(static_cast<uint16_t>(MsgType::kWriteReply) ==
              static_cast<uint16_t>(rl::MsgType::kWriteReply));
static_assert(static_cast<uint16_t>(MsgType::kValidate) ==
              static_cast<uint16_t>(rl::MsgType::kValidate));
static_assert(static_cast<uint16_t>(MsgType::kValidated) ==
              static_cast<uint16_t>(rl::MsgType::kValidated));

inline constexpr const char* kMsgTypeNames[] = {
    "open_session",   "keepalive",    "acquire",          "granted",        "denied",
    "keepalive_ok",   "release",      "redirect",         "request_vote",   "vote_reply",
    "append_entries", "append_reply", "install_snapshot", "write",          "write_reply",
    "validate",       "validated",    "released",         "session_opened", "session_expired"};
static_assert(std::size(kMsgTypeNames) == static_cast<size_t>(MsgType::kCount));

inline MsgType type_of(const Message& m) {
  return static_cast<MsgType>(m.type);
}

using SessionId = uint64_t;  // the log index of the session's open entry; 0 = none
inline constexpr SessionId kNoSession = 0;

struct SessionMsg {
  static constexpr uint16_t kTag = 17;
  uint64_t request_id = 0;
  uint64_t attempt = 0;  // which send of an acquire/release (0: none)
  SessionId session = kNoSession;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  Duration timeout;
  NodeId holder = kInvalidNode;
  NodeId leader_hint = kInvalidNode;
  ErrorCode error = ErrorCode::kNone;
};

}  // namespace leasesim::session_lease
