// The Raft core on its own, with a state machine that is not a lease
// table (a counter): what any protocol built on raft/ relies on — commands
// proposed by a leader are applied once, in order, on every server; the
// hooks run when documented; snapshots restore the machine; the core's
// messages sit at msg_base and everything else reaches the machine; and a
// read barrier passes only once a majority has answered a round stamped
// after it.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <set>
#include <vector>

#include "leasesim/raft/server.hpp"

namespace leasesim::raft {
namespace raft_core_test {
namespace {

struct Add {
  int64_t amount = 0;
};
struct Total {
  int64_t sum = 0;
  LogIndex upto = 0;
};

// Sums the amounts of committed Add commands, and remembers every hook.
class Counter final : public StateMachine {
 public:
  ApplyResult apply(LogIndex index, const LogEntry& e) override {
    if (e.kind != 0) sum += e.command<Add>().amount;
    applied.push_back(index);
    return ApplyResult{static_cast<uint32_t>(e.kind), static_cast<uint64_t>(sum)};
  }
  uint64_t digest(const LogEntry& e) const override {
    return e.term * 1000 + (e.kind != 0 ? static_cast<uint64_t>(e.command<Add>().amount) : 0);
  }
  void snapshot(std::vector<SnapshotItem>* out) const override {
    out->assign(1, SnapshotItem::of(Total{sum, applied.empty() ? 0 : applied.back()}));
  }
  void restore(std::span<const SnapshotItem> items) override {
    sum = items.empty() ? 0 : items[0].item<Total>().sum;
    ++restores;
  }
  void on_applied(LogIndex, const LogEntry&, ApplyResult r, const LocalClocks&, Effects&) override {
    results.push_back(r);
  }
  void on_leader_start(const LocalClocks&, Effects&) override { ++leader_starts; }
  void on_ready(const LocalClocks&, Effects&) override { ++readies; }
  void on_leader_end(const LocalClocks&, Effects&) override { ++leader_ends; }
  void on_message(const Message& m, const LocalClocks&, Effects&) override {
    foreign.push_back(m.type);
  }
  void on_timer(const TimerFire& t, const LocalClocks&, Effects&) override {
    machine_timers.push_back(t.kind);
  }
  void on_read_ready(uint64_t read, const LocalClocks&, Effects&) override {
    reads.push_back(read);
  }

  int64_t sum = 0;
  std::vector<LogIndex> applied;
  std::vector<ApplyResult> results;
  int restores = 0, leader_starts = 0, readies = 0, leader_ends = 0;
  std::vector<uint16_t> foreign;
  std::vector<uint32_t> machine_timers;
  std::vector<uint64_t> reads;
};

constexpr uint16_t kBase = 5;  // the core's types are 5..9 in this "protocol"

// A few servers under one true time, their messages in one FIFO queue the
// test delivers explicitly; timers are fired by kind.
class Cluster {
 public:
  explicit Cluster(size_t n, uint32_t snapshot_threshold = 0) {
    for (size_t i = 0; i < n; ++i) {
      Config c;
      c.self = static_cast<NodeId>(i);
      for (size_t j = 0; j < n; ++j) c.servers.push_back(static_cast<NodeId>(j));
      c.snapshot_threshold = snapshot_threshold;
      c.msg_base = kBase;
      configs.push_back(c);
      disks.push_back(std::make_unique<Disk>());
      machines.push_back(nullptr);
      servers.push_back(nullptr);
      timers.emplace_back();
      start(i);
    }
  }

  void start(size_t i) {
    machines[i] = std::make_unique<Counter>();
    servers[i] = std::make_unique<Server>(configs[i], *disks[i], Rng(i + 1), *machines[i]);
    timers[i].clear();
    step(i, [&](Effects& fx) { servers[i]->start(now(), fx); });
  }

  LocalClocks now() const { return LocalClocks{t, t}; }

  template <class F>
  void step(size_t i, F&& f) {
    Effects fx;
    f(fx);
    for (size_t k = 0; k < fx.message_count(); ++k) {
      const Message& m = fx.message(k);
      if (!cut.contains(m.from) && !cut.contains(m.to)) queue.push_back(m);
    }
    for (const TimerRequest& r : fx.timers()) timers[i].push_back(r);
    for (const Record& r : fx.records()) records.push_back(r);
  }

  // Fires server i's latest timer of `kind`, moving time to its deadline.
  void fire(size_t i, uint32_t kind) {
    for (auto it = timers[i].rbegin(); it != timers[i].rend(); ++it) {
      if (it->kind != kind) continue;
      const TimerRequest r = *it;
      timers[i].erase(std::next(it).base());
      if (r.deadline > t) t = r.deadline;
      step(i, [&](Effects& fx) { servers[i]->on_timer(TimerFire{r.kind, r.arg}, now(), fx); });
      return;
    }
    ADD_FAILURE() << "no timer of kind " << kind << " at server " << i;
  }

  void deliver_all(size_t limit = 10000) {
    for (size_t k = 0; k < limit && !queue.empty(); ++k) {
      const Message m = queue.front();
      queue.pop_front();
      if (cut.contains(m.from) || cut.contains(m.to)) continue;
      step(m.to, [&](Effects& fx) { servers[m.to]->on_message(m, now(), fx); });
    }
  }

  void elect(size_t i) {
    fire(i, Server::kElectionTimer);
    deliver_all();
  }

  void propose(size_t i, int64_t amount) {
    step(i, [&](Effects& fx) { servers[i]->propose(1, Add{amount}, now(), fx); });
  }

  std::vector<Config> configs;
  std::vector<std::unique_ptr<Disk>> disks;
  std::vector<std::unique_ptr<Counter>> machines;
  std::vector<std::unique_ptr<Server>> servers;
  std::vector<std::vector<TimerRequest>> timers;
  std::deque<Message> queue;
  std::set<NodeId> cut;
  std::vector<Record> records;
  TimePoint t = TimePoint(0);
};

TEST(RaftCore, ProposalsAreAppliedOnceInOrderOnEveryServer) {
  Cluster c(3);
  c.elect(0);
  ASSERT_EQ(c.servers[0]->role(), Role::kLeader);
  EXPECT_TRUE(c.servers[0]->ready());  // the no-op committed with the votes' round
  c.propose(0, 5);
  c.propose(0, -2);
  c.propose(0, 10);
  c.deliver_all();
  // Followers learn the commit index with the next append.
  c.fire(0, Server::kHeartbeatTimer);
  c.deliver_all();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(c.machines[i]->sum, 13) << i;
    EXPECT_EQ(c.machines[i]->applied, (std::vector<LogIndex>{1, 2, 3, 4})) << i;
  }
  // on_applied sees what apply() returned, for commands only (not the no-op).
  ASSERT_EQ(c.machines[0]->results.size(), 3u);
  EXPECT_EQ(c.machines[0]->results[2].detail, 13u);
}

// A leader counts an acknowledgement toward the commit index only from a
// server of its configuration: a reply that claims to come from any other
// node (beyond the servers' ids, or no node at all) changes nothing.
TEST(RaftCore, OnlyServersAcknowledgementsCommit) {
  Cluster c(3);
  c.elect(0);
  ASSERT_EQ(c.servers[0]->role(), Role::kLeader);
  const LogIndex committed = c.servers[0]->commit_index();
  c.cut = {1, 2};
  c.propose(0, 5);
  c.deliver_all();  // the appends are lost
  auto reply_from = [&](NodeId from) {
    Message m;
    m.reset(kBase + static_cast<uint16_t>(MsgKind::kAppendReply), from, 0);
    RaftMsg& r = m.set<RaftMsg>();
    r.term = c.servers[0]->term();
    r.success = true;
    r.index = committed + 1;
    c.step(0, [&](Effects& fx) { c.servers[0]->on_message(m, c.now(), fx); });
  };
  for (const NodeId stranger : {NodeId{3}, NodeId{100}, kInvalidNode}) reply_from(stranger);
  EXPECT_EQ(c.servers[0]->commit_index(), committed);
  EXPECT_EQ(c.machines[0]->sum, 0);
  reply_from(1);  // a server: with the leader's own copy, a majority of three
  EXPECT_EQ(c.servers[0]->commit_index(), committed + 1);
  EXPECT_EQ(c.machines[0]->sum, 5);
}

// The server finds its own position through the same table it uses for
// followers; a configuration that does not list it is a programmer error.
TEST(RaftCoreDeathTest, ConfigMustListTheServerItself) {
  Config c;
  c.self = 9;
  c.servers = {0, 1, 2};
  c.msg_base = kBase;
  Disk disk;
  Counter machine;
  EXPECT_DEATH(Server(c, disk, Rng(1), machine), "does not list the server itself");
  c.servers.clear();
  EXPECT_DEATH(Server(c, disk, Rng(1), machine), "lists no servers");
}

TEST(RaftCore, HooksRunWhenDocumented) {
  Cluster c(3);
  c.elect(0);
  Counter& m = *c.machines[0];
  EXPECT_EQ(m.leader_starts, 1);
  EXPECT_EQ(m.readies, 1);
  EXPECT_EQ(m.leader_ends, 0);
  size_t ready_records = 0;
  for (const Record& r : c.records)
    if (r.kind == obs::kLeaderReady) ++ready_records;
  EXPECT_EQ(ready_records, 1u);
  // Another server wins a later term: the old leader steps down once.
  c.cut.insert(0);
  c.elect(1);
  c.cut.clear();
  c.fire(1, Server::kHeartbeatTimer);
  c.deliver_all();
  EXPECT_EQ(m.leader_ends, 1);
  EXPECT_EQ(c.servers[0]->role(), Role::kFollower);
  // Core timers are the core's; others reach the machine.
  c.step(0, [&](Effects& fx) { c.servers[0]->on_timer(TimerFire{7, 0}, c.now(), fx); });
  EXPECT_EQ(m.machine_timers, (std::vector<uint32_t>{7}));
}

TEST(RaftCore, CoreMessagesSitAtMsgBaseAndOthersReachTheMachine) {
  Cluster c(3);
  c.fire(0, Server::kElectionTimer);
  ASSERT_FALSE(c.queue.empty());
  EXPECT_EQ(c.queue.front().type, kBase + static_cast<uint16_t>(MsgKind::kRequestVote));
  Message other;
  other.reset(kBase + static_cast<uint16_t>(MsgKind::kCount), 7, 1);
  Message low;
  low.reset(kBase - 1, 7, 1);
  c.step(1, [&](Effects& fx) { c.servers[1]->on_message(other, c.now(), fx); });
  c.step(1, [&](Effects& fx) { c.servers[1]->on_message(low, c.now(), fx); });
  EXPECT_EQ(c.machines[1]->foreign, (std::vector<uint16_t>{kBase + 5, kBase - 1}));
}

TEST(RaftCore, TermAndVoteSurviveARestartThroughTheDisk) {
  Cluster c(3);
  c.elect(0);
  EXPECT_EQ(c.disks[1]->term, 1u);
  EXPECT_EQ(c.disks[1]->voted_for, 0u);
  c.start(1);  // a crash: the volatile state is gone, the disk stays
  EXPECT_EQ(c.servers[1]->term(), 1u);
  EXPECT_EQ(c.disks[1]->voted_for, 0u);
  EXPECT_EQ(c.servers[1]->log().last_index(), 1u);
}

TEST(RaftCore, ALaggingFollowerIsRestoredFromASnapshot) {
  Cluster c(3, /*snapshot_threshold=*/2);
  c.elect(0);
  c.cut.insert(2);
  for (int k = 1; k <= 5; ++k) {
    c.propose(0, k);
    c.deliver_all();
  }
  ASSERT_GT(c.servers[0]->log().snapshot_index(), 2u);
  c.cut.clear();
  c.fire(0, Server::kHeartbeatTimer);
  c.deliver_all();
  c.fire(0, Server::kHeartbeatTimer);
  c.deliver_all();
  EXPECT_GE(c.machines[2]->restores, 2);  // at start, then from the leader's snapshot
  EXPECT_EQ(c.machines[2]->sum, 15);
  EXPECT_EQ(c.machines[0]->sum, 15);
}

TEST(ReadBarrier, PassesOnceAMajorityAnswersARoundStampedAfterIt) {
  Cluster c(3);
  c.elect(0);
  c.t = c.t + milliseconds(10);
  uint64_t id = 0;
  c.step(0, [&](Effects& fx) { id = c.servers[0]->read_barrier(c.now(), fx); });
  EXPECT_TRUE(c.machines[0]->reads.empty());
  EXPECT_EQ(c.servers[0]->pending_reads(), 1u);
  EXPECT_EQ(c.queue.size(), 2u);  // a heartbeat to each follower
  c.deliver_all();
  EXPECT_EQ(c.machines[0]->reads, (std::vector<uint64_t>{id}));
  EXPECT_EQ(c.servers[0]->pending_reads(), 0u);
}

TEST(ReadBarrier, OneFollowerOfThreeIsAMajority) {
  Cluster c(3);
  c.elect(0);
  c.cut.insert(2);
  c.t = c.t + milliseconds(10);
  c.step(0, [&](Effects& fx) { c.servers[0]->read_barrier(c.now(), fx); });
  c.deliver_all();
  EXPECT_EQ(c.machines[0]->reads.size(), 1u);
}

TEST(ReadBarrier, AnswersToEarlierAppendsDoNotCount) {
  Cluster c(3);
  c.elect(0);
  // An append goes out, then the read arrives, then the old append's
  // answers come back: they prove nothing about the time of the read.
  c.t = c.t + milliseconds(10);
  c.propose(0, 1);
  const std::deque<Message> before = c.queue;
  c.queue.clear();
  c.t = c.t + milliseconds(1);
  c.step(0, [&](Effects& fx) { c.servers[0]->read_barrier(c.now(), fx); });
  std::deque<Message> round = c.queue;
  c.queue = before;
  c.deliver_all();
  EXPECT_TRUE(c.machines[0]->reads.empty());
  c.queue = round;
  c.deliver_all();
  EXPECT_EQ(c.machines[0]->reads.size(), 1u);
}

TEST(ReadBarrier, ADeposedLeaderNeverPasses) {
  Cluster c(3);
  c.elect(0);
  c.cut.insert(0);
  c.t = c.t + milliseconds(10);
  c.step(0, [&](Effects& fx) { c.servers[0]->read_barrier(c.now(), fx); });
  c.elect(1);
  c.cut.clear();
  c.fire(1, Server::kHeartbeatTimer);
  c.deliver_all();
  EXPECT_EQ(c.servers[0]->role(), Role::kFollower);
  EXPECT_EQ(c.servers[0]->pending_reads(), 0u);  // dropped with the leadership
  EXPECT_TRUE(c.machines[0]->reads.empty());
}

TEST(ReadBarrier, ASingleServerPassesAtOnce) {
  Cluster c(1);
  c.elect(0);
  ASSERT_TRUE(c.servers[0]->ready());
  c.step(0, [&](Effects& fx) { c.servers[0]->read_barrier(c.now(), fx); });
  EXPECT_EQ(c.machines[0]->reads.size(), 1u);
}

TEST(ReadBarrierDeathTest, OnlyAReadyLeaderAsks) {
  Cluster c(3);
  EXPECT_DEATH(c.step(1, [&](Effects& fx) { c.servers[1]->read_barrier(c.now(), fx); }),
               "not a ready leader");
}

}  // namespace
}  // namespace raft_core_test
}  // namespace leasesim::raft
