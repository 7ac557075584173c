// Stable names of protocol enums. They appear in traces, reports and
// scenario files, so they never change once published.
#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

const char* const kMsgTypeNames[] = {
    "acquire",          "renew",    "release",      "granted",    "denied",         "renewed",
    "released",         "redirect", "request_vote", "vote_reply", "append_entries", "append_reply",
    "install_snapshot", "write",    "write_reply",  "validate",   "validated"};
static_assert(std::size(kMsgTypeNames) == static_cast<size_t>(MsgType::kCount));

const char* const kEntryTypeNames[] = {"noop", "grant", "renew", "release", "expire", "validate"};
static_assert(std::size(kEntryTypeNames) == static_cast<size_t>(EntryType::kCount));

void Message::reset(MsgType t, NodeId src, NodeId dst) {
  type = t;
  from = src;
  to = dst;
  request_id = 0;
  resource = kNoResource;
  lease = kNoLease;
  token = 0;
  ttl = Duration::zero();
  error = ErrorCode::kNone;
  holder = kInvalidNode;
  leader_hint = kInvalidNode;
  term = 0;
  index = 0;
  log_term = 0;
  commit = 0;
  success = false;
  stamp = TimePoint();
  entries.clear();
  snapshot.clear();
}

}  // namespace leasesim
