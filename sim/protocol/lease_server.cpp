// LeaseServer: construction, input dispatch. The protocol itself is split
// by concern into lease_server_{election,replication,leases}.cpp.
#include "leasesim/protocol/lease_server.hpp"

#include <algorithm>

namespace leasesim {

LeaseServer::LeaseServer(const ServerConfig& config, ServerDisk& disk, Rng rng)
    : cfg_(config), disk_(disk), rng_(rng), table_(config.resources) {
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), cfg_.self);
  LEASESIM_ASSERT(it != cfg_.servers.end(), "server config does not list the server itself");
  LEASESIM_ASSERT(cfg_.election_min > Duration::zero() && cfg_.election_min <= cfg_.election_max,
                  "bad election timeout range");
  self_index_ = static_cast<size_t>(it - cfg_.servers.begin());
  peers_.resize(cfg_.servers.size());
  voted_for_me_.resize(cfg_.servers.size());
  leases_.resize(cfg_.resources);
  grant_block_.resize(cfg_.resources, TimePoint::min());
}

void LeaseServer::start(const LocalClocks& now, Effects& out) {
  // Volatile state starts over; the table is rebuilt from the snapshot and
  // grows again as the commit index is learned from a leader.
  table_.load(disk_.log.snapshot());
  commit_ = applied_ = disk_.log.snapshot_index();
  role_ = Role::kFollower;
  leader_ = kInvalidNode;
  // Before the crash this server may have answered a leader's append a
  // moment ago, and that leader counts it as contact until election_min
  // after the append's send (QuorumCheck::kDeadline): what it heard is lost,
  // so it treats its start as hearing a leader and votes for nobody for
  // election_min. A server still in term 0 has never answered a leader.
  if (cfg_.options.check_quorum == QuorumCheck::kDeadline && disk_.term > 0)
    last_heard_leader_ = now.mono;
  record_role(out);
  reset_election_timer(now, out);
}

void LeaseServer::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  switch (m.type) {
    case MsgType::kRequestVote:
      on_request_vote(m, now, out);
      return;
    case MsgType::kVoteReply:
      on_vote_reply(m, now, out);
      return;
    case MsgType::kAppendEntries:
      on_append_entries(m, now, out);
      return;
    case MsgType::kAppendReply:
      on_append_reply(m, now, out);
      return;
    case MsgType::kInstallSnapshot:
      on_install_snapshot(m, now, out);
      return;
    case MsgType::kAcquire:
    case MsgType::kRenew:
    case MsgType::kRelease:
    case MsgType::kValidate:
      on_client_request(m, now, out);
      return;
    default:
      return;  // not for a server (e.g. a misdirected reply): ignore
  }
}

void LeaseServer::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  switch (t.kind) {
    case kElectionTimer:
      if (t.arg == election_gen_ && role_ != Role::kLeader) become_candidate(now, out);
      return;
    case kHeartbeatTimer:
      if (role_ == Role::kLeader && t.arg == epoch_) on_heartbeat_timer(now, out);
      return;
    case kQuorumTimer:
      if (role_ == Role::kLeader && t.arg == epoch_) on_quorum_check(now, out);
      return;
    case kExpiryTimer:
      on_expiry_timer(t.arg, now, out);
      return;
    default:
      LEASESIM_UNREACHABLE("unknown server timer");
  }
}

void LeaseServer::record_role(Effects& out) const {
  out.emit(obs::RoleChanged{role_, disk_.term});
}

}  // namespace leasesim
