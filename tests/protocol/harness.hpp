// A tiny, deterministic test harness for protocol nodes: no engine, no
// network model. Out captures one step's Effects; Driver steps one node with
// explicit clocks and remembers the timers it asked for; Cluster drives a few
// LeaseServers by hand, routing their messages through one FIFO queue that
// the test delivers (or drops) explicitly, and firing timers by kind.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocols/raft_lease/commands.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim::testing {

using namespace leasesim::raft_lease;  // NOLINT: these tests are raft-lease's
using raft::RaftMsg;

// The payloads of a raft-lease message: its lease fields, or the Raft
// core's fields.
inline const LeaseMsg& L(const Message& m) {
  return m.as<LeaseMsg>();
}
inline LeaseMsg& L(Message& m) {
  return m.as<LeaseMsg>();
}
inline const RaftMsg& R(const Message& m) {
  return m.as<RaftMsg>();
}
inline RaftMsg& R(Message& m) {
  return m.as<RaftMsg>();
}

inline LocalClocks At(Duration t) {
  return LocalClocks{TimePoint(t.ns()), TimePoint(t.ns())};
}
inline TimePoint T(Duration d) {
  return TimePoint(d.ns());
}

// A copy of one step's output.
struct Out {
  std::vector<Message> msgs;
  std::vector<TimerRequest> timers;
  std::vector<Record> records;

  std::vector<Message> sent(MsgType t) const {
    std::vector<Message> r;
    for (const Message& m : msgs)
      if (m.is(t)) r.push_back(m);
    return r;
  }
  size_t count(MsgType t) const { return sent(t).size(); }
  std::vector<Record> recs(uint16_t kind) const {
    std::vector<Record> r;
    for (const Record& x : records)
      if (x.kind == kind) r.push_back(x);
    return r;
  }
  size_t count_records(uint16_t kind) const { return recs(kind).size(); }
  std::vector<TimerRequest> timers_of(uint32_t kind) const {
    std::vector<TimerRequest> r;
    for (const TimerRequest& t : timers)
      if (t.kind == kind) r.push_back(t);
    return r;
  }
  void append(const Out& o) {
    msgs.insert(msgs.end(), o.msgs.begin(), o.msgs.end());
    timers.insert(timers.end(), o.timers.begin(), o.timers.end());
    records.insert(records.end(), o.records.begin(), o.records.end());
  }
};

inline Out Capture(const Effects& fx) {
  Out o;
  for (size_t i = 0; i < fx.message_count(); ++i) o.msgs.push_back(fx.message(i));
  o.timers.assign(fx.timers().begin(), fx.timers().end());
  o.records.assign(fx.records().begin(), fx.records().end());
  return o;
}

// Steps one node with clocks the test controls.
class Driver {
 public:
  explicit Driver(Node* node = nullptr) : node_(node) {}
  void reset(Node* node) {
    node_ = node;
    pending_.clear();
  }

  LocalClocks now{TimePoint(0), TimePoint(0)};
  void advance(Duration d) {
    now.wall += d;
    now.mono += d;
  }

  Out start() {
    fx_.clear();
    node_->start(now, fx_);
    return take();
  }
  Out deliver(const Message& m) {
    fx_.clear();
    node_->on_message(m, now, fx_);
    return take();
  }
  Out fire_raw(uint32_t kind, uint64_t arg) {
    fx_.clear();
    node_->on_timer(TimerFire{kind, arg}, now, fx_);
    return take();
  }

  // The latest pending timer of `kind` (and `arg`, if given), or nullptr.
  const TimerRequest* timer(uint32_t kind, std::optional<uint64_t> arg = std::nullopt) const {
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
      if (it->kind == kind && (!arg || it->arg == *arg)) return &*it;
    return nullptr;
  }
  size_t pending_count(uint32_t kind) const {
    return static_cast<size_t>(std::count_if(
        pending_.begin(), pending_.end(), [&](const TimerRequest& t) { return t.kind == kind; }));
  }
  // How far the node's clock must move for the latest timer of `kind` to be due.
  Duration until(uint32_t kind, std::optional<uint64_t> arg = std::nullopt) const {
    const TimerRequest* t = timer(kind, arg);
    EXPECT_NE(t, nullptr) << "no pending timer of kind " << kind;
    if (t == nullptr) return Duration::zero();
    const Duration d = t->deadline - now.read(t->clock);
    return d > Duration::zero() ? d : Duration::zero();
  }
  // Fires the latest pending timer of `kind`, first moving the clocks to its
  // deadline if it is still ahead.
  Out fire(uint32_t kind, std::optional<uint64_t> arg = std::nullopt) {
    advance(until(kind, arg));
    return fire_now(kind, arg);
  }
  // The pending timer due first on this node's clocks, or nullptr.
  const TimerRequest* earliest() const {
    const TimerRequest* best = nullptr;
    for (const TimerRequest& t : pending_)
      if (!best || t.deadline - now.read(t.clock) < best->deadline - now.read(best->clock))
        best = &t;
    return best;
  }
  Duration until_earliest() const {
    const TimerRequest* t = earliest();
    if (t == nullptr) return Duration::max();
    const Duration d = t->deadline - now.read(t->clock);
    return d > Duration::zero() ? d : Duration::zero();
  }
  // Fires the earliest pending timer at the current clock reading.
  Out fire_earliest() {
    const TimerRequest* t = earliest();
    if (t == nullptr) {
      ADD_FAILURE() << "no pending timer";
      return Out{};
    }
    const TimerRequest copy = *t;
    pending_.erase(pending_.begin() + (t - pending_.data()));
    return fire_raw(copy.kind, copy.arg);
  }
  // Fires it at the current clock reading, due or not.
  Out fire_now(uint32_t kind, std::optional<uint64_t> arg = std::nullopt) {
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
      if (it->kind == kind && (!arg || it->arg == *arg)) {
        const TimerRequest t = *it;
        pending_.erase(std::next(it).base());
        return fire_raw(t.kind, t.arg);
      }
    }
    ADD_FAILURE() << "no pending timer of kind " << kind;
    return Out{};
  }

 private:
  // Pending timers as a host keeps them: cancels first, then each single
  // timer replaces the pending one of its kind.
  Out take() {
    Out o = Capture(fx_);
    auto drop_single = [&](uint32_t kind) {
      std::erase_if(pending_, [&](const TimerRequest& p) { return p.single && p.kind == kind; });
    };
    for (const uint32_t kind : fx_.cancels()) drop_single(kind);
    for (const TimerRequest& t : o.timers) {
      if (t.single) drop_single(t.kind);
      pending_.push_back(t);
    }
    return o;
  }
  Node* node_;
  Effects fx_;
  std::vector<TimerRequest> pending_;
};

inline ServerConfig BaseServerConfig(size_t n, uint32_t resources = 4) {
  ServerConfig c;
  for (size_t i = 0; i < n; ++i) c.servers.push_back(static_cast<NodeId>(i));
  c.self = 0;
  c.resources = resources;
  return c;
}

inline Message ClientMsg(MsgType type, NodeId from, NodeId to, ResourceId r, uint64_t request,
                         LeaseId lease = kNoLease, Duration ttl = seconds(5)) {
  Message m;
  m.reset(static_cast<uint16_t>(type), from, to);
  m.resource = r;
  LeaseMsg& p = m.set<LeaseMsg>();
  p.request_id = request;
  p.lease = lease;
  if (type == MsgType::kAcquire) p.ttl = ttl;
  return m;
}

// A raft-lease message with a lease payload, to be filled by the test.
inline Message LeaseMessage(MsgType type, NodeId from, NodeId to, ResourceId r = kNoResource) {
  Message m;
  m.reset(static_cast<uint16_t>(type), from, to);
  m.resource = r;
  m.set<LeaseMsg>();
  return m;
}
// A Raft core message, to be filled by the test.
inline Message RaftMessage(MsgType type, NodeId from, NodeId to) {
  Message m;
  m.reset(static_cast<uint16_t>(type), from, to);
  m.set<RaftMsg>();
  return m;
}

// Servers 0..n-1 under one shared true time; each server's clocks read that
// time plus its own offsets. Messages between servers wait in one FIFO queue
// until the test delivers them; messages to anyone else (clients) are
// collected in `to_clients`.
class Cluster {
 public:
  explicit Cluster(size_t n, const ServerConfig& base = BaseServerConfig(3), uint64_t seed = 1)
      : n_(n), seed_(seed) {
    for (size_t i = 0; i < n; ++i) {
      ServerConfig c = base;
      c.servers.clear();
      for (size_t j = 0; j < n; ++j) c.servers.push_back(static_cast<NodeId>(j));
      c.self = static_cast<NodeId>(i);
      configs_.push_back(c);
      disks_.push_back(std::make_unique<ServerDisk>());
      servers_.push_back(nullptr);
      drivers_.emplace_back();
      wall_skew_.push_back(Duration::zero());
      mono_offset_.push_back(Duration::zero());
    }
  }

  size_t size() const { return n_; }
  ServerConfig& config(size_t i) { return configs_[i]; }
  ServerDisk& disk(size_t i) { return *disks_[i]; }
  LeaseServer& server(size_t i) { return *servers_[i]; }
  Driver& driver(size_t i) { return drivers_[i]; }
  Duration now() const { return now_; }
  LocalClocks clock(size_t i) const {
    return LocalClocks{TimePoint((now_ + wall_skew_[i]).ns()),
                       TimePoint((now_ + mono_offset_[i]).ns())};
  }
  void set_wall_skew(size_t i, Duration d) { wall_skew_[i] = d; }
  void advance(Duration d) { now_ += d; }

  // (Re)builds server i over its disk, as after a crash, and starts it.
  Out start(size_t i) {
    servers_[i] = std::make_unique<LeaseServer>(configs_[i], *disks_[i], Rng(seed_ * 1000 + i));
    drivers_[i].reset(servers_[i].get());
    return step(i, [&](Driver& d) { return d.start(); });
  }
  void start_all() {
    for (size_t i = 0; i < n_; ++i) start(i);
  }

  // Fires server i's latest timer of `kind`, first advancing true time so it
  // is due on i's clock.
  Out fire(size_t i, uint32_t kind, std::optional<uint64_t> arg = std::nullopt) {
    sync(i);
    now_ += drivers_[i].until(kind, arg);
    return step(i, [&](Driver& d) { return d.fire_now(kind, arg); });
  }
  Out fire_now(size_t i, uint32_t kind, std::optional<uint64_t> arg = std::nullopt) {
    return step(i, [&](Driver& d) { return d.fire_now(kind, arg); });
  }
  bool has_timer(size_t i, uint32_t kind) const { return drivers_[i].timer(kind) != nullptr; }
  // How long until server i's earliest timer is due (Duration::max() if none).
  Duration until_earliest(size_t i) {
    sync(i);
    return drivers_[i].until_earliest();
  }
  // Fires server i's earliest timer at the current time.
  Out fire_earliest(size_t i) {
    return step(i, [&](Driver& d) { return d.fire_earliest(); });
  }

  // A client's request, delivered to server m.to at once.
  Out client(const Message& m) {
    return step(m.to, [&](Driver& d) { return d.deliver(m); });
  }
  // Delivers `m` to server m.to as if it had arrived from the network.
  Out inject(const Message& m) { return client(m); }

  // Delivers the first queued message matching `pred` (any, by default).
  std::optional<Out> deliver_one(const std::function<bool(const Message&)>& pred = nullptr) {
    for (auto it = in_flight.begin(); it != in_flight.end(); ++it) {
      if (pred && !pred(*it)) continue;
      const Message m = *it;
      in_flight.erase(it);
      return step(m.to, [&](Driver& d) { return d.deliver(m); });
    }
    return std::nullopt;
  }
  // Delivers queued messages (including those they cause) until none is left.
  Out deliver_all(size_t limit = 10000) {
    Out all;
    for (size_t k = 0; k < limit && !in_flight.empty(); ++k) all.append(*deliver_one());
    EXPECT_TRUE(in_flight.empty()) << "messages still flowing after " << limit << " deliveries";
    return all;
  }
  size_t drop(const std::function<bool(const Message&)>& pred = nullptr) {
    const size_t before = in_flight.size();
    std::erase_if(in_flight, [&](const Message& m) { return !pred || pred(m); });
    return before - in_flight.size();
  }
  // Messages from or to an isolated server are dropped as they are sent.
  void isolate(size_t i) { isolated_.insert(static_cast<NodeId>(i)); }
  void heal(size_t i) { isolated_.erase(static_cast<NodeId>(i)); }

  // Makes server i leader: fires its election timer, delivers the votes,
  // fires its heartbeat so the no-op replicates, and delivers everything.
  Out elect(size_t i) {
    Out all = fire(i, LeaseServer::kElectionTimer);
    all.append(deliver_all());
    if (servers_[i]->role() == Role::kLeader && !servers_[i]->ready() && n_ > 1) {
      all.append(fire(i, LeaseServer::kHeartbeatTimer));
      all.append(deliver_all());
    }
    return all;
  }

  std::vector<Record> recs(uint16_t kind, std::optional<size_t> node = std::nullopt) const {
    std::vector<Record> r;
    for (const Record& x : records)
      if (x.kind == kind && (!node || x.node == *node)) r.push_back(x);
    return r;
  }
  std::vector<Message> client_msgs(MsgType t) const {
    std::vector<Message> r;
    for (const Message& m : to_clients)
      if (m.is(t)) r.push_back(m);
    return r;
  }

  std::deque<Message> in_flight;
  std::vector<Message> to_clients;
  std::vector<Record> records;  // every record so far, node filled in

 private:
  bool is_server(NodeId id) const { return id < n_; }
  void sync(size_t i) { drivers_[i].now = clock(i); }
  template <class F>
  Out step(size_t i, F&& f) {
    sync(i);
    Out o = f(drivers_[i]);
    for (const Message& m : o.msgs) {
      if (!is_server(m.to)) {
        to_clients.push_back(m);
      } else if (!isolated_.contains(m.from) && !isolated_.contains(m.to)) {
        in_flight.push_back(m);
      }
    }
    for (Record r : o.records) {
      r.node = static_cast<uint32_t>(i);
      records.push_back(r);
    }
    return o;
  }

  size_t n_;
  uint64_t seed_;
  Duration now_ = Duration::zero();
  std::vector<ServerConfig> configs_;
  std::vector<std::unique_ptr<ServerDisk>> disks_;
  std::vector<std::unique_ptr<LeaseServer>> servers_;
  std::vector<Driver> drivers_;
  std::vector<Duration> wall_skew_;
  std::vector<Duration> mono_offset_;
  std::set<NodeId> isolated_;
};

inline LogEntry Entry(Term term, EntryType type = EntryType::kNoop, ResourceId r = kNoResource,
                      NodeId holder = kInvalidNode, LeaseId lease = kNoLease) {
  LeaseCommand c;
  c.resource = r;
  c.holder = holder;
  c.lease = lease;
  return make_entry(term, type, c);
}

}  // namespace leasesim::testing
