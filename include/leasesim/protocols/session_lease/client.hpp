// A session-lease client (a Chubby client library and its application, or
// a ZooKeeper client with a lock recipe).
//
// Session: at start the client opens a session, then sends a KeepAlive
// every keepalive_every to the server it believes leads (rotating when
// answers stop coming). Each answer moves its *local lease timeout* C
// (options.hpp: local_deadline, anchored at the send of the answered
// KeepAlive). When its monotonic clock passes C it enters jeopardy; a later
// answer makes the session safe again. With ExpiryJudge::kClient the
// session is lost at C + grace; with kServer only a server's
// session_expired answer ends it. A lost session is replaced by a new one.
// Each change of the client's view is an obs::SessionState record: safe
// (opened, or answered again after jeopardy), jeopardy, lost.
//
// Locks: like raft-lease's requestors it loops want -> acquire (under its
// session) -> hold for the hold time, writing to storage every write_every
// -> release -> think. The holder's belief (obs::BeliefBegin/Extend/End)
// runs until its belief deadline: C (jeopardy stop), C + grace (jeopardy
// hold, client judge), or never (no local timeout, or hold with server
// judge). A belief ended by jeopardy (stop) begins again, same lease, when
// the session is safe again: the lock is still the session's.
//
// Invariant: the client believes only while its session is live or (hold)
// in jeopardy, and never past its belief deadline on its monotonic clock.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/session_lease/messages.hpp"
#include "leasesim/protocols/session_lease/options.hpp"
#include "leasesim/protocols/session_lease/records.hpp"
#include "leasesim/protocols/workload/workload.hpp"

namespace leasesim::session_lease {

using workload::ResourceChoice;

// The workload (what it wants, holds and writes; workload.hpp; its choice
// is never kCycle: the session block has no "cycle") and how it keeps its
// session.
struct ClientConfig : workload::Workload {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;    // the core, in order
  NodeId storage = kInvalidNode;  // kInvalidNode: no work
  Options options;
  Duration keepalive_every = seconds(1);
  Duration request_timeout = milliseconds(500);
};

// A belief deadline that never comes (no local timeout): far enough for any
// run, small enough for the checker's clock arithmetic.
inline constexpr TimePoint kForever = TimePoint(INT64_MAX / 4);

class Client final : public Node {
 public:
  Client(const ClientConfig& config, Rng rng);

  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  enum class SessionState : uint8_t { kNone, kOpening, kLive, kJeopardy };
  enum class Phase : uint8_t { kIdle, kWaiting, kAcquiring, kHolding, kReleasing, kDone };

  // Read-only views for tests.
  SessionState session_state() const { return state_; }
  SessionId session() const { return session_; }
  TimePoint local_timeout() const { return c_; }
  Phase phase() const { return phase_; }
  bool believes() const { return believing_; }
  TimePoint belief_deadline() const { return belief_deadline_; }
  LeaseId lease() const { return lease_; }

  enum TimerKind : uint32_t {
    kWakeTimer = 1,   // start / think / backoff over: want a resource
    kRequestTimer,    // open/acquire/release unanswered (arg: send generation)
    kRetryTimer,      // resend after a redirect to an unknown leader (arg: send generation)
    kKeepAliveTimer,  // next KeepAlive
    kSessionTimer,    // C or the end of the grace period
    kHoldEndTimer,    // hold time over (arg: hold generation)
    kWorkCheckTimer,  // check before a write (arg: hold generation)
    kWorkWriteTimer,  // the write itself (arg: hold generation)
    kOpenTimer,       // open_session unanswered (arg: send generation)
    kHandBackTimer,   // hand-backs unanswered: send them again
  };

 private:
  TimePoint deadline_for(TimePoint c) const;
  void advance(const LocalClocks& now, Effects& out);
  void open_session(const LocalClocks& now, Effects& out);
  void send_open(const LocalClocks& now, Effects& out);
  void send_keepalive(const LocalClocks& now, Effects& out);
  void arm_session_timer(const LocalClocks& now, Effects& out);
  void session_lost(SessionLoss why, const LocalClocks& now, Effects& out);
  void emit_safe(Effects& out) const;  // obs::SessionState safe, until C
  void wait_then_want(Duration lo, Duration hi, const LocalClocks& now, Effects& out);
  void want(const LocalClocks& now, Effects& out);
  void send_acquire(const LocalClocks& now, Effects& out);
  void send_release(const LocalClocks& now, Effects& out);
  // Releases a lock granted to this session that it did not ask for (or
  // no longer awaits), again every request_timeout until the master answers
  // or the session ends.
  void hand_back(ResourceId resource, LeaseId lease, const LocalClocks& now, Effects& out);
  void send_hand_back(ResourceId resource, LeaseId lease, Effects& out);
  // Whether `id` is one of the KeepAlives in flight.
  bool is_keepalive(uint64_t id) const {
    return id != 0 && ka_ids_[static_cast<size_t>(id % kRing)] == id;
  }
  void resend(const LocalClocks& now, Effects& out);
  void begin_belief(const LocalClocks& now, Effects& out);
  void end_belief(BeliefEndReason why, Effects& out);
  void release_lock(BeliefEndReason why, const LocalClocks& now, Effects& out);
  void lose_lock(BeliefEndReason why, const LocalClocks& now, Effects& out);
  void on_opened(const Message& m, const LocalClocks& now, Effects& out);
  void on_keepalive_ok(const Message& m, const LocalClocks& now, Effects& out);
  void on_expired(const Message& m, const LocalClocks& now, Effects& out);
  void on_granted(const Message& m, const LocalClocks& now, Effects& out);
  void on_denied(const Message& m, const LocalClocks& now, Effects& out);
  void on_redirect(const Message& m, const LocalClocks& now, Effects& out);
  void on_released(const Message& m, const LocalClocks& now, Effects& out);
  void on_write_reply(const Message& m, const LocalClocks& now, Effects& out);
  void set_timer(const LocalClocks& now, Duration after, TimerKind kind, uint64_t arg,
                 Effects& out) const;
  NodeId target() const { return cfg_.servers[target_]; }
  void next_server() { target_ = (target_ + 1) % cfg_.servers.size(); }
  void note_server(NodeId from);
  size_t resource_count() const { return cfg_.resource_count(); }
  ResourceId resource_at(size_t i) const { return cfg_.resource_at(i); }

  ClientConfig cfg_;
  Rng rng_;
  size_t target_ = 0;
  uint64_t next_request_ = 1;
  // Generation of the open acquire/release: the attempt of its latest send
  // (and its request timer's arg), moved on when a retry is armed. Only an
  // answer naming the current one asks again (on_redirect()).
  uint64_t send_gen_ = 0;
  size_t sent_to_ = 0;  // the server of its latest send (an index, as target_)

  // The session.
  SessionState state_ = SessionState::kNone;
  SessionId session_ = kNoSession;
  uint64_t open_request_ = 0;
  uint64_t open_gen_ = 0;
  TimePoint open_sent_;             // first send of the open request
  TimePoint c_ = TimePoint::min();  // local lease timeout C (mono)
  TimePoint grace_end_ = TimePoint::max();
  TimePoint last_answer_;
  TimePoint unanswered_since_ = TimePoint::min();  // first KeepAlive since the last answer
  TimePoint not_ready_since_ = TimePoint::max();   // first not_ready refusal since then
  static constexpr size_t kRing = 8;               // KeepAlives in flight: id -> send time
  std::array<uint64_t, kRing> ka_ids_{};
  std::array<TimePoint, kRing> ka_sent_{};
  // Locks of this session being handed back (resource, lease), until the
  // master answers: a handful at most.
  std::vector<std::pair<ResourceId, LeaseId>> hand_backs_;

  // The lock.
  Phase phase_ = Phase::kIdle;
  uint64_t request_ = 0;  // acquire/release in flight
  uint32_t holds_ = 0;
  uint64_t hold_gen_ = 0;
  ResourceId resource_ = kNoResource;
  LeaseId lease_ = kNoLease;
  uint64_t token_ = 0;
  bool believing_ = false;
  bool work_allowed_ = false;  // false once the holder decided to let go
  TimePoint belief_deadline_;
};

}  // namespace leasesim::session_lease
