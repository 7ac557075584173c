// solo-lease's nodes: the lease server and the requestor. Pure state
// machines (protocol/node.hpp): inputs with local clock readings in,
// effects out, and the common observations that let leasesim's checker
// judge them.
#include <algorithm>
#include <vector>

#include "leasesim/core/distributions.hpp"
#include "leasesim/protocol/observations.hpp"
#include "solo_lease.hpp"

namespace leasesim::solo {
namespace {

constexpr NodeId kServerId = 0;  // the server is node 0, the requestors 1..N

SoloMsg& send(Effects& out, MsgType t, NodeId from, NodeId to, ResourceId r) {
  Message& m = out.send(t, from, to);
  m.resource = r;
  return m.set<SoloMsg>();
}

class Server final : public Node {
 public:
  Server(const Config& c, ServerDisk& disk) : cfg_(c), disk_(disk), slots_(c.resources) {}

  void start(const LocalClocks& now, Effects& out) override {
    // The only server is the leader of its own little core; each start is
    // a new term. What it granted before a crash is forgotten.
    ++disk_.starts;
    out.emit(obs::RoleChanged{Role::kLeader, disk_.starts});
    out.emit(obs::LeaderReady{disk_.starts});
    if (cfg_.knobs.restart_wait && disk_.starts > 1) blocked_until_ = now.mono + cfg_.ttl;
  }

  void on_message(const Message& m, const LocalClocks& now, Effects& out) override {
    if (m.resource >= slots_.size()) return;
    const SoloMsg& q = m.as<SoloMsg>();
    Slot& s = slots_[m.resource];
    expire_if_due(m.resource, now, out);
    switch (static_cast<MsgType>(m.type)) {
      case MsgType::kAcquire:
        if (s.lease != kNoLease && s.holder == m.from && s.request == q.request_id) {
          answer(out, MsgType::kGranted, m, s.lease);  // a retry of a granted request
        } else if (s.lease != kNoLease || now.mono < blocked_until_) {
          answer(out, MsgType::kDenied, m, s.lease);
        } else {
          s = Slot{disk_.next++, m.from, q.request_id, now.mono + cfg_.ttl};
          out.emit(obs::LeaseGranted{m.resource, s.lease, m.from, s.lease, cfg_.ttl, s.lease});
          out.set_timer(ClockKind::kMonotonic, s.expiry, kExpiry, m.resource);
          answer(out, MsgType::kGranted, m, s.lease);
        }
        return;
      case MsgType::kRenew:
        if (s.lease == kNoLease || s.lease != q.lease || s.holder != m.from) {
          answer(out, MsgType::kDenied, m, q.lease);
          return;
        }
        s.expiry = now.mono + cfg_.ttl;
        out.emit(obs::LeaseRenewed{m.resource, s.lease, s.expiry, cfg_.ttl, disk_.next++});
        out.set_timer(ClockKind::kMonotonic, s.expiry, kExpiry, m.resource);
        answer(out, MsgType::kRenewed, m, s.lease);
        return;
      case MsgType::kRelease:
        if (s.lease != kNoLease && s.lease == q.lease && s.holder == m.from)
          free(m.resource, FreeReason::kReleased, out);
        answer(out, MsgType::kReleased, m, q.lease);
        return;
      default:
        return;
    }
  }

  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override {
    if (t.kind == kExpiry) expire_if_due(static_cast<ResourceId>(t.arg), now, out);
  }

 private:
  static constexpr uint32_t kExpiry = 1;
  struct Slot {
    LeaseId lease = kNoLease;
    NodeId holder = kInvalidNode;
    uint64_t request = 0;
    TimePoint expiry;  // local mono
  };

  void answer(Effects& out, MsgType t, const Message& m, LeaseId lease) const {
    SoloMsg& a = send(out, t, kServerId, m.from, m.resource);
    a.request_id = m.as<SoloMsg>().request_id;
    a.lease = lease;
    a.ttl = cfg_.ttl;
  }
  void expire_if_due(ResourceId r, const LocalClocks& now, Effects& out) {
    const Slot& s = slots_[r];
    if (s.lease != kNoLease && now.mono >= s.expiry) free(r, FreeReason::kExpired, out);
  }
  void free(ResourceId r, FreeReason why, Effects& out) {
    out.emit(obs::LeaseFreed{r, slots_[r].lease, why, disk_.next++});
    slots_[r] = Slot{};
  }

  const Config& cfg_;
  ServerDisk& disk_;
  std::vector<Slot> slots_;
  TimePoint blocked_until_ = TimePoint::min();
};

class Requestor final : public Node {
 public:
  Requestor(const Config& c, NodeId self, Rng rng)
      : cfg_(c), self_(self), rng_(rng), resource_((self - 1) % c.resources) {}

  void start(const LocalClocks& now, Effects& out) override {
    next_request_ = (rng_.next_u64() & 0xFFFFFFFF00000000ULL) | 1;  // fresh ids per life
    idle(now, out);
  }

  void on_message(const Message& m, const LocalClocks& now, Effects& out) override {
    const SoloMsg& a = m.as<SoloMsg>();
    switch (static_cast<MsgType>(m.type)) {
      case MsgType::kGranted:
        if (phase_ != kAcquiring || a.request_id != request_) return;
        phase_ = kHolding;
        lease_ = a.lease;
        deadline_ = anchor(sent_, now) + a.ttl - cfg_.knobs.margin;
        out.emit(obs::BeliefBegin{resource_, lease_, lease_, deadline_, ClockKind::kMonotonic});
        out.replace_timer(ClockKind::kMonotonic, deadline_, kDeadline, ++gen_);
        out.replace_timer(ClockKind::kMonotonic, now.mono + cfg_.renew_every, kRenew, gen_);
        out.replace_timer(ClockKind::kMonotonic, now.mono + cfg_.hold, kHoldEnd, gen_);
        return;
      case MsgType::kRenewed: {
        if (phase_ != kHolding || a.request_id != request_ || a.lease != lease_) return;
        const TimePoint d = anchor(sent_, now) + a.ttl - cfg_.knobs.margin;
        if (d <= deadline_) return;
        deadline_ = d;
        out.emit(obs::BeliefExtend{resource_, lease_, deadline_});
        out.replace_timer(ClockKind::kMonotonic, deadline_, kDeadline, gen_);
        return;
      }
      case MsgType::kDenied:
        if (a.request_id != request_) return;
        if (phase_ == kHolding)
          out.emit(obs::BeliefEnd{resource_, lease_, BeliefEndReason::kRevoked});
        if (phase_ == kHolding || phase_ == kAcquiring) idle(now, out);
        return;
      default:
        return;
    }
  }

  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override {
    if (t.kind == kWake && phase_ == kIdle && t.arg == gen_) {
      phase_ = kAcquiring;
      out.emit(obs::Want{resource_});
      request(MsgType::kAcquire, now, out);
    } else if (t.kind == kRetry && phase_ == kAcquiring && t.arg == request_) {
      request(MsgType::kAcquire, now, out);  // unanswered: ask again
    } else if (t.kind == kRenew && phase_ == kHolding && t.arg == gen_) {
      request(MsgType::kRenew, now, out);
      out.replace_timer(ClockKind::kMonotonic, now.mono + cfg_.renew_every, kRenew, gen_);
    } else if (t.kind == kDeadline && phase_ == kHolding && t.arg == gen_ &&
               now.mono >= deadline_) {
      out.emit(obs::BeliefEnd{resource_, lease_, BeliefEndReason::kExpired});
      idle(now, out);
    } else if (t.kind == kHoldEnd && phase_ == kHolding && t.arg == gen_) {
      out.emit(obs::BeliefEnd{resource_, lease_, BeliefEndReason::kReleased});
      request(MsgType::kRelease, now, out);
      idle(now, out);
    }
  }

 private:
  enum Phase : uint8_t { kIdle, kAcquiring, kHolding };
  enum Timer : uint32_t { kWake = 1, kRetry, kRenew, kDeadline, kHoldEnd };

  TimePoint anchor(TimePoint sent, const LocalClocks& now) const {
    return cfg_.knobs.anchor == Anchor::kSend ? sent : now.mono;
  }
  void request(MsgType t, const LocalClocks& now, Effects& out) {
    request_ = next_request_++;
    sent_ = now.mono;
    SoloMsg& q = send(out, t, self_, kServerId, resource_);
    q.request_id = request_;
    q.lease = lease_;
    q.ttl = cfg_.ttl;
    if (t == MsgType::kAcquire)
      out.replace_timer(ClockKind::kMonotonic, now.mono + seconds(1), kRetry, request_);
  }
  void idle(const LocalClocks& now, Effects& out) {
    phase_ = kIdle;
    out.cancel_timer(kRetry);
    const Duration wait = uniform_duration(rng_, Duration::zero(), cfg_.think);
    out.replace_timer(ClockKind::kMonotonic, now.mono + wait, kWake, ++gen_);
  }

  const Config& cfg_;
  NodeId self_;
  Rng rng_;
  ResourceId resource_;
  Phase phase_ = kIdle;
  uint64_t next_request_ = 1;
  uint64_t request_ = 0;
  uint64_t gen_ = 0;
  TimePoint sent_;
  LeaseId lease_ = kNoLease;
  TimePoint deadline_;
};

}  // namespace

std::unique_ptr<Node> make_server(const Config& c, ServerDisk& disk) {
  return std::make_unique<Server>(c, disk);
}

std::unique_ptr<Node> make_requestor(const Config& c, NodeId self, Rng rng) {
  return std::make_unique<Requestor>(c, self, rng);
}

}  // namespace leasesim::solo
