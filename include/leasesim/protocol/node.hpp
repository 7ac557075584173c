// The interface every simulated process implements, in the style of
// etcd/raft: a node is a pure state machine. It receives one input at a
// time (start, a message, or a timer) together with its *local* clock
// readings, and answers only by filling an Effects buffer: messages to send,
// timers to set, records to trace. It never sees true time, the network,
// the event queue or any randomness other than the Rng it was given, so a
// node can be unit-tested by feeding inputs and asserting outputs.
//
// Durable state (what survives a crash) lives in a DurableState object the
// host keeps across crashes; a node writes it synchronously, as if fsynced
// before its messages leave, unless the host models durable-write latency
// (Effects::async_disk()): then the node says which steps wrote
// (Effects::persist) and the host holds their messages until durable. On restart the host builds a
// new node over the same DurableState; everything else is lost.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/reuse_vector.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/message.hpp"

namespace leasesim {

// A timer the node asked for. `kind` and `arg` are the node's own; the
// host hands them back unchanged when the timer fires.
//
// Two flavours. A plain timer (Effects::set_timer) always fires; a node
// recognises one that no longer matters (a stale generation in `arg`, a
// state that has moved on) and ignores it. A *single* timer
// (Effects::replace_timer) is the node's one timer of its kind: setting it
// again replaces the pending one and Effects::cancel_timer removes it, so a
// timer re-armed at every message (an election timeout) or answered early
// (a request timeout) costs the run no stale firings. Hosts may still
// deliver a replaced or cancelled single timer in rare cases (one that fell
// due while the node was paused), so a node keeps its staleness checks.
struct TimerRequest {
  // Single-timer kinds are small: a host keeps one handle per kind.
  static constexpr uint32_t kMaxSingleKinds = 16;

  ClockKind clock = ClockKind::kMonotonic;
  TimePoint deadline;  // on the node's `clock`
  uint32_t kind = 0;
  uint64_t arg = 0;
  bool single = false;  // set by replace_timer
};

struct TimerFire {
  uint32_t kind = 0;
  uint64_t arg = 0;
};

// A durable write the node made in this step (Effects::persist), for hosts
// that model durable-write latency (docs/scenario-format.md, `timing.disk`).
// With `hold`, the host sends none of the step's messages (nor any later
// message of the node) before the write is durable, as Raft requires of a
// vote or an append acknowledgement. With `notify_kind` != 0 the host hands
// TimerFire{notify_kind, notify_arg} to the node once the write is durable
// (a completion input). The node's DurableState is updated at once either
// way: a crash before completion models a write that became durable just
// before the crash, never a lost acknowledged write.
struct PersistRequest {
  bool hold = true;
  uint32_t notify_kind = 0;
  uint64_t notify_arg = 0;
};

// The output of one step. The host clears it before each step and consumes
// it after. Message slots keep their capacity across steps, so a node's
// steady state allocates nothing.
class Effects {
 public:
  // A fresh message of the protocol's `type` to `to`, to be filled by the
  // caller (typically m.set<Payload>()).
  Message& send(uint16_t type, NodeId from, NodeId to) {
    if (sent_ == messages_.size()) messages_.emplace_back();
    Message& m = messages_[sent_++];
    m.reset(type, from, to);
    return m;
  }
  template <EnumType E>
  Message& send(E type, NodeId from, NodeId to) {
    return send(static_cast<uint16_t>(type), from, to);
  }
  void set_timer(ClockKind clock, TimePoint deadline, uint32_t kind, uint64_t arg = 0) {
    timers_.push_back(TimerRequest{clock, deadline, kind, arg, false});
  }
  // The node's single timer of `kind`: replaces a pending one set this way.
  // Precondition: kind < TimerRequest::kMaxSingleKinds.
  void replace_timer(ClockKind clock, TimePoint deadline, uint32_t kind, uint64_t arg = 0) {
    LEASESIM_ASSERT(kind < TimerRequest::kMaxSingleKinds, "single timer kind out of range");
    timers_.push_back(TimerRequest{clock, deadline, kind, arg, true});
  }
  // Removes the node's pending single timer of `kind`, if any, including
  // one set earlier in this step. The host applies a step's cancels before
  // its timers, so cancel-then-replace in one step arms the new one.
  void cancel_timer(uint32_t kind) {
    LEASESIM_ASSERT(kind < TimerRequest::kMaxSingleKinds, "single timer kind out of range");
    timers_.erase_if([kind](const TimerRequest& t) { return t.single && t.kind == kind; });
    cancels_.push_back(kind);
  }
  // A typed record (observations.hpp, or a protocol's own kinds). The host
  // fills in time, local time and node.
  template <TypedRecord T>
  void emit(const T& v) {
    Record& r = records_.push();
    r.kind = T::kKind;
    v.encode(r);
  }

  // A durable write in this step. Only meaningful when async_disk() is
  // true; a node asks nothing of the kind otherwise.
  void persist(const PersistRequest& p) { persists_.push_back(p); }
  // Set once by a host that models durable-write latency: writes then take
  // time and a node asks for persist() instead of assuming its DurableState
  // writes are durable before its messages leave. Kept across clear().
  void set_async_disk(bool on) { async_disk_ = on; }
  bool async_disk() const { return async_disk_; }

  void clear() {
    sent_ = 0;
    timers_.clear();
    cancels_.clear();
    records_.clear();
    persists_.clear();
  }

  size_t message_count() const { return sent_; }
  Message& message(size_t i) { return messages_[i]; }
  const Message& message(size_t i) const { return messages_[i]; }
  std::span<const TimerRequest> timers() const { return timers_.span(); }
  std::span<const uint32_t> cancels() const { return cancels_.span(); }
  std::span<const Record> records() const { return records_.span(); }
  // For the host, which stamps each record (time, local time, node) where
  // it lies instead of copying it out first.
  std::span<Record> records() { return records_.span(); }
  std::span<const PersistRequest> persists() const { return persists_.span(); }

 private:
  std::vector<Message> messages_;
  size_t sent_ = 0;
  // Cleared before every step without a branch (core/reuse_vector.hpp).
  ReuseVector<TimerRequest> timers_;
  ReuseVector<uint32_t> cancels_;  // single-timer kinds
  ReuseVector<Record> records_;
  ReuseVector<PersistRequest> persists_;
  bool async_disk_ = false;
};

// Base for what a node keeps on its simulated disk.
class DurableState {
 public:
  virtual ~DurableState() = default;
};

class Node {
 public:
  virtual ~Node() = default;
  // Called once after construction (first boot or restart after a crash).
  virtual void start(const LocalClocks& now, Effects& out) = 0;
  virtual void on_message(const Message& m, const LocalClocks& now, Effects& out) = 0;
  virtual void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) = 0;
};

// The older spelling of field_of (core/trace.hpp), kept for callers that
// still build records by hand.
inline uint64_t as_field(int64_t v) {
  return field_of(v);
}
inline uint64_t as_field(TimePoint t) {
  return field_of(t);
}
inline uint64_t as_field(Duration d) {
  return field_of(d);
}

}  // namespace leasesim
