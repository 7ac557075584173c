// The Raft core's messages: five types at Config::msg_base.. in the
// protocol's numbering, all with one payload (RaftMsg), as etcd/raft's
// flat raftpb.Message. Field use by type:
//   kRequestVote     term, index = last log index, log_term = last log term,
//                    pre_vote (a Pre-Vote: term is the one the sender would use)
//   kVoteReply       term, success = granted, pre_vote (an answer to one)
//   kAppendEntries   term, index = prev index, log_term = prev term, commit,
//                    entries, stamp = the leader's monotonic clock at the send
//   kAppendReply     term, success, index = match index (success) or hint
//                    (reject), stamp = echo of the answered message's stamp
//   kInstallSnapshot term, index = snapshot index, log_term = snapshot term,
//                    snapshot, stamp
#pragma once

#include <cstdint>

#include "leasesim/core/time.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim::raft {

enum class MsgKind : uint16_t {
  kRequestVote,
  kVoteReply,
  kAppendEntries,
  kAppendReply,
  kInstallSnapshot,
  kCount,
};
inline constexpr const char* kMsgNames[] = {"request_vote", "vote_reply", "append_entries",
                                            "append_reply", "install_snapshot"};
static_assert(std::size(kMsgNames) == static_cast<size_t>(MsgKind::kCount));

struct RaftMsg {
  static constexpr uint16_t kTag = 1;
  Term term = 0;
  LogIndex index = 0;
  Term log_term = 0;
  LogIndex commit = 0;
  TimePoint stamp;
  bool success = false;
  bool pre_vote = false;
};

}  // namespace leasesim::raft
