// Server: construction, input dispatch, roles. The protocol itself is
// split by concern into election.cpp and replication.cpp.
#include "leasesim/raft/server.hpp"

#include <algorithm>
#include <array>

namespace leasesim::raft {

const char* to_string(QuorumCheck v) {
  switch (v) {
    case QuorumCheck::kOff:
      return "off";
    case QuorumCheck::kTick:
      return "tick";
    case QuorumCheck::kDeadline:
      return "deadline";
  }
  return "?";
}

namespace {
constexpr std::array<KindDesc, 2> kKinds = {Vote::kDesc, StepDown::kDesc};
}  // namespace

std::span<const KindDesc> record_kinds() {
  return kKinds;
}

Server::Server(const Config& config, Disk& disk, Rng rng, StateMachine& machine)
    : cfg_(config), disk_(disk), rng_(rng), machine_(machine) {
  LEASESIM_ASSERT(!cfg_.servers.empty(), "server config lists no servers");
  LEASESIM_ASSERT(cfg_.servers.size() <= kMaxServers, "too many servers");
  LEASESIM_ASSERT(cfg_.election_granularity.ns() >= 0 &&
                      (cfg_.election_granularity.ns() == 0 ||
                       (cfg_.election_min.ns() % cfg_.election_granularity.ns() == 0 &&
                        cfg_.election_max.ns() % cfg_.election_granularity.ns() == 0)),
                  "election timeout bounds must be multiples of the granularity");
  LEASESIM_ASSERT(cfg_.election_min > Duration::zero() && cfg_.election_min <= cfg_.election_max,
                  "bad election timeout range");
  const NodeId largest = *std::max_element(cfg_.servers.begin(), cfg_.servers.end());
  server_index_.assign(static_cast<size_t>(largest) + 1, kNoIndex);
  for (size_t i = 0; i < cfg_.servers.size(); ++i) {
    // A server listed twice keeps its first position (every position fits:
    // kMaxServers < kNoIndex).
    if (server_index_[cfg_.servers[i]] == kNoIndex)
      server_index_[cfg_.servers[i]] = static_cast<uint8_t>(i);
  }
  self_index_ = server_index(cfg_.self);
  LEASESIM_ASSERT(self_index_ != kNotAServer, "server config does not list the server itself");
  peers_.resize(cfg_.servers.size());
  voted_for_me_.resize(cfg_.servers.size());
}

void Server::start(const LocalClocks& now, Effects& out) {
  // Volatile state starts over; the machine is rebuilt from the snapshot
  // and grows again as the commit index is learned from a leader.
  machine_.restore(disk_.log().snapshot());
  commit_ = applied_ = disk_.log().snapshot_index();
  role_ = Role::kFollower;
  leader_ = kInvalidNode;
  // Before the crash this server may have answered a leader's append a
  // moment ago, and that leader counts it as contact until election_min
  // after the append's send (QuorumCheck::kDeadline): what it heard is lost,
  // so it treats its start as hearing a leader and votes for nobody for
  // election_min. A server still in term 0 has never answered a leader.
  if (cfg_.check_quorum == QuorumCheck::kDeadline && disk_.term() > 0)
    last_heard_leader_ = now.mono;
  precandidate_ = false;
  record_role(out);
  reset_election_timer(now, out);
  finish_step(out);
}

void Server::finish_step(Effects& out) {
  const DiskWriter::Written w = disk_.take_written();
  if (!out.async_disk() || !w.any()) return;
  PersistRequest p;
  // A leader's appends and a new candidate's RequestVotes go out in
  // parallel with their own write; everything else a step sends vouches for
  // what it wrote (a vote, an acknowledged entry) and waits for it.
  const bool candidacy = candidacy_started_;
  candidacy_started_ = false;
  if (candidacy && role_ == Role::kCandidate && !w.log()) {
    p.hold = false;
    p.notify_kind = kVoteDurableTimer;
    p.notify_arg = disk_.term();
    out.persist(p);
    return;
  }
  p.hold = w.meta() || role_ != Role::kLeader;
  if (role_ == Role::kLeader && w.log()) {
    p.notify_kind = kDurableTimer;
    // The leadership (epoch, 24 bits) and the last index now durable.
    p.notify_arg = (epoch_ << 40) | (disk_.log().last_index() & ((uint64_t{1} << 40) - 1));
  }
  out.persist(p);
}

void Server::on_durable(uint64_t arg, const LocalClocks& now, Effects& out) {
  const uint64_t epoch = arg >> 40;
  const LogIndex index = arg & ((uint64_t{1} << 40) - 1);
  if (role_ != Role::kLeader || epoch != (epoch_ & ((uint64_t{1} << 24) - 1))) return;
  Peer& self = peers_[self_index_];
  const LogIndex durable = std::min(index, disk_.log().last_index());
  if (durable <= self.match) return;
  self.match = durable;
  advance_commit(now, out);
}

void Server::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  dispatch(m, now, out);
  finish_step(out);
}

void Server::dispatch(const Message& m, const LocalClocks& now, Effects& out) {
  const auto kind = static_cast<uint16_t>(m.type - cfg_.msg_base);
  if (m.type < cfg_.msg_base || kind >= static_cast<uint16_t>(MsgKind::kCount)) {
    machine_.on_message(m, now, out);  // not the core's: a client's, or the protocol's own
    return;
  }
  switch (static_cast<MsgKind>(kind)) {
    case MsgKind::kRequestVote:
      on_request_vote(m, now, out);
      return;
    case MsgKind::kVoteReply:
      on_vote_reply(m, now, out);
      return;
    case MsgKind::kAppendEntries:
      on_append_entries(m, now, out);
      return;
    case MsgKind::kAppendReply:
      on_append_reply(m, now, out);
      return;
    case MsgKind::kInstallSnapshot:
      on_install_snapshot(m, now, out);
      return;
    case MsgKind::kCount:
      break;
  }
  LEASESIM_UNREACHABLE("bad raft message kind");
}

void Server::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  switch (t.kind) {
    case kElectionTimer:
      if (t.arg == election_gen_ && role_ != Role::kLeader) {
        if (cfg_.pre_vote)
          become_precandidate(now, out);
        else
          become_candidate(now, out);
      }
      break;
    case kHeartbeatTimer:
      if (role_ == Role::kLeader && t.arg == epoch_) on_heartbeat_timer(now, out);
      break;
    case kQuorumTimer:
      if (role_ == Role::kLeader && t.arg == epoch_) on_quorum_check(now, out);
      break;
    case kDurableTimer:
      on_durable(t.arg, now, out);
      break;
    case kVoteDurableTimer:
      // The candidate's own vote is durable: now it counts (not in a
      // Pre-Vote round's tally, on_vote_reply()).
      if (role_ == Role::kCandidate && !precandidate_ && t.arg == disk_.term() &&
          count_vote(cfg_.self))
        become_leader(now, out);
      break;
    default:
      machine_.on_timer(t, now, out);
      break;
  }
  finish_step(out);
}

void Server::record_role(Effects& out) const {
  out.emit(obs::RoleChanged{role_, disk_.term()});
}

}  // namespace leasesim::raft
