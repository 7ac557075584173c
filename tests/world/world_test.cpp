// The world's hosting of nodes: determinism, faults and their effect on
// message delivery and timers, judged from the trace.
#include "leasesim/world/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "../support/raft_lease.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "leasesim/world/records.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace world_test {

using namespace raft_lease;  // NOLINT: these scenarios are raft-lease's
using testing::edit;
using testing::rl;
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::make_fault;
using testing::node_target;

RunResult run(const Scenario& s, TraceSink* sink = nullptr) {
  RunOptions o;
  o.trace = sink;
  World w(s, o);
  return w.run();
}

TEST(WorldDeterminism, SameSeedSameHashDifferentSeedDifferentHash) {
  const Scenario s = basic_scenario(3, 3, 2, "seed", 7);
  const RunResult a = run(s);
  const RunResult b = run(s);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
  EXPECT_GT(a.metrics.grants, 0u);
  Scenario other = s;
  other.seed = 8;
  EXPECT_NE(run(other).trace_hash, a.trace_hash);
}

TEST(WorldDeterminism, TracingDoesNotChangeTheHash) {
  const Scenario s = basic_scenario(3, 2, 1, "seed", 3);
  CaptureSink sink;
  const RunResult traced = run(s, &sink);
  const RunResult plain = run(s);
  EXPECT_EQ(traced.trace_hash, plain.trace_hash);
  EXPECT_EQ(traced.records, sink.records.size());
}

TEST(WorldDeterminism, AddingARequestorDoesNotChangeTheNetworksOtherDraws) {
  // Streams are per component: the first election (servers only talk to
  // each other before any requestor wakes up) is identical.
  Scenario a = basic_scenario(3, 1, 1, "seed", 11);
  Scenario b = basic_scenario(3, 2, 1, "seed", 11);
  for (auto* s : {&a, &b})
    for (auto& r : edit(*s).requestors) r.start_after = seconds(5);
  CaptureSink sa, sb;
  run(a, &sa);
  run(b, &sb);
  auto first_leader = [](const CaptureSink& s) {
    for (const Record& r : s.records)
      if (r.kind == obs::kRole && decode_as<obs::RoleChanged>(r).role == Role::kLeader)
        return std::make_pair(r.time, r.node);
    return std::make_pair(TimePoint::max(), kInvalidNode);
  };
  EXPECT_EQ(first_leader(sa), first_leader(sb));
}

// Single timers (node.hpp): answered requests cancel their timeouts and
// appends replace the election timeout, so a calm run fires neither. Only
// a paused node may still see one it had replaced (fired while paused).
TEST(WorldTimers, ReplacedAndCancelledTimersNeverFireInACalmRun) {
  Scenario s = basic_scenario(3, 4, 2, "seed", 9);
  s.duration = seconds(30);
  CaptureSink sink;
  const RunResult r = run(s, &sink);
  ASSERT_GT(r.metrics.grants, 5u);
  std::map<std::pair<bool, uint64_t>, size_t> fired;  // (is server, kind) -> count
  for (const Record& rec : sink.records)
    if (rec.kind == world_rec::kTimer)
      ++fired[{rec.node < 3, decode_as<world_rec::Timer>(rec).timer}];
  EXPECT_EQ((fired[{false, Requestor::kRequestTimer}]), 0u);
  EXPECT_EQ((fired[{false, Requestor::kRetryTimer}]), 0u);
  // Followers never time out under a live leader; the first election is
  // the only one.
  EXPECT_LE((fired[{true, LeaseServer::kElectionTimer}]), 3u);
  EXPECT_EQ(r.metrics.elections, 1u);
  // Renewals keep firing as long as someone holds.
  EXPECT_GT((fired[{false, Requestor::kRenewTimer}]), 0u);
}

TEST(WorldFaults, CrashDropsInFlightAndLaterDeliveriesUntilRestart) {
  Scenario s = basic_scenario(3, 2, 1, "seed", 5);
  s.duration = seconds(12);
  const NodeId victim = 1;
  // Crash the victim at a moment a message to it is on the wire: a run
  // without the fault is identical up to the crash, so find one there.
  CaptureSink probe;
  run(s, &probe);
  std::map<uint64_t, TimePoint> probe_sent;
  Duration crash_time = seconds(5);
  for (const Record& r : probe.records) {
    if (r.kind == world_rec::kSend && r.node != victim)
      probe_sent[decode_as<world_rec::Send>(r).id] = r.time;
    if (r.kind != world_rec::kDeliver) continue;
    const uint64_t id = decode_as<world_rec::Deliver>(r).id;
    if (r.node == victim && r.time > TimePoint(seconds(5).ns()) && probe_sent.count(id) &&
        r.time - probe_sent[id] > nanoseconds(2)) {
      crash_time = (probe_sent[id] - TimePoint::origin()) + nanoseconds(1);
      break;
    }
  }
  s.faults.push_back(make_fault(FaultKind::kCrash, crash_time, node_target(victim), seconds(2)));
  CaptureSink sink;
  run(s, &sink);
  const TimePoint crash_at = TimePoint::origin() + crash_time;
  const TimePoint restart_at = crash_at + seconds(2);
  std::map<uint64_t, TimePoint> sent_at;  // message id -> send time
  size_t in_flight_dropped = 0, delivered_after_restart = 0;
  for (const Record& r : sink.records) {
    if (r.kind == world_rec::kSend) sent_at[decode_as<world_rec::Send>(r).id] = r.time;
    if (r.kind == world_rec::kDeliver && r.node == victim) {
      EXPECT_FALSE(r.time >= crash_at && r.time < restart_at) << "delivered while crashed";
      if (r.time >= restart_at) ++delivered_after_restart;
    }
    const auto drop =
        r.kind == world_rec::kDrop ? decode_as<world_rec::Drop>(r) : world_rec::Drop{};
    if (r.kind == world_rec::kDrop && drop.to == victim &&
        drop.reason == static_cast<uint8_t>(DropReason::kCrashed)) {
      EXPECT_TRUE(r.time >= crash_at && r.time < restart_at);
      if (sent_at.at(drop.id) < crash_at) {
        ++in_flight_dropped;
      }
    }
    if (r.kind == world_rec::kTimer && r.node == victim) {
      EXPECT_FALSE(r.time >= crash_at && r.time < restart_at) << "timer fired while crashed";
    }
  }
  EXPECT_GT(in_flight_dropped, 0u) << "a message in flight at the crash must be lost";
  EXPECT_GT(delivered_after_restart, 0u);
}

TEST(WorldFaults, PausedNodeHandlesNothingThenCatchesUpInOrderAtResume) {
  Scenario s = basic_scenario(3, 1, 1, "seed", 9);
  s.duration = seconds(10);
  const NodeId victim = 2;
  s.faults.push_back(make_fault(FaultKind::kPause, seconds(4), node_target(victim), seconds(1)));
  CaptureSink sink;
  run(s, &sink);
  const TimePoint from = TimePoint::origin() + seconds(4);
  const TimePoint to = TimePoint::origin() + seconds(5);
  std::vector<uint64_t> caught_up_from_leader;
  NodeId leader = kInvalidNode;
  size_t at_resume = 0;
  for (const Record& r : sink.records) {
    if (r.kind == obs::kRole && decode_as<obs::RoleChanged>(r).role == Role::kLeader)
      leader = r.node;
    const bool handled =
        (r.kind == world_rec::kDeliver || r.kind == world_rec::kTimer) && r.node == victim;
    if (!handled) continue;
    EXPECT_FALSE(r.time > from && r.time < to) << "handled an event while paused";
    if (r.time == to) {
      ++at_resume;
      if (r.kind == world_rec::kDeliver && decode_as<world_rec::Deliver>(r).from == leader)
        caught_up_from_leader.push_back(decode_as<world_rec::Deliver>(r).id);
    }
  }
  EXPECT_GT(at_resume, 0u) << "what fell due during the pause runs at resume";
  // Server links are FIFO, so the leader's messages were due in send
  // order, and must be handled in that order at resume.
  EXPECT_GT(caught_up_from_leader.size(), 1u);
  EXPECT_TRUE(std::is_sorted(caught_up_from_leader.begin(), caught_up_from_leader.end()));
}

TEST(WorldFaults, AsymmetricCutBlocksOneDirectionOnly) {
  Scenario s = basic_scenario(3, 1, 1, "seed", 4);
  s.duration = seconds(6);
  Fault cut;
  cut.kind = FaultKind::kCut;
  cut.at = TimePoint::origin() + seconds(3);
  cut.from = node_target(0);
  cut.to = node_target(1);
  s.faults.push_back(cut);
  CaptureSink sink;
  run(s, &sink);
  const TimePoint at = TimePoint::origin() + seconds(3);
  size_t forward_sent = 0, forward_delivered = 0, backward_delivered = 0;
  std::map<uint64_t, TimePoint> sent_at;
  for (const Record& r : sink.records) {
    if (r.kind == world_rec::kSend) {
      const auto send = decode_as<world_rec::Send>(r);
      sent_at[send.id] = r.time;
      if (r.node == 0 && send.to == 1 && r.time >= at) ++forward_sent;
    }
    if (r.kind == world_rec::kDeliver && r.time >= at) {
      const auto d = decode_as<world_rec::Deliver>(r);
      if (r.node == 1 && d.from == 0) ++forward_delivered;
      if (r.node == 0 && d.from == 1 && sent_at.at(d.id) >= at) ++backward_delivered;
    }
  }
  EXPECT_GT(forward_sent, 0u);
  EXPECT_EQ(forward_delivered, 0u) << "n1 -> n2 is cut";
  EXPECT_GT(backward_delivered, 0u) << "n2 -> n1 still works";
}

TEST(WorldFaults, LeaderTargetResolvesToTheCurrentLeader) {
  Scenario s = basic_scenario(3, 1, 1, "seed", 12);
  s.duration = seconds(8);
  s.faults.push_back(make_fault(FaultKind::kCrash, seconds(4), testing::leader_target()));
  CaptureSink sink;
  const RunResult r = run(s, &sink);
  NodeId leader = kInvalidNode;
  bool checked = false;
  for (const Record& rec : sink.records) {
    if (rec.kind == obs::kRole && decode_as<obs::RoleChanged>(rec).role == Role::kLeader)
      leader = rec.node;
    if (rec.kind == world_rec::kCrash) {
      EXPECT_EQ(rec.node, leader);
      checked = true;
      break;
    }
  }
  EXPECT_TRUE(checked);
  EXPECT_EQ(r.metrics.leader_crashes, 1u);
  EXPECT_EQ(r.metrics.failover.count, 1u) << "a new leader became ready after the crash";
}

TEST(WorldFaults, DriftChangeRetimesPendingTimers) {
  // A requestor holding forever renews every 1666 ms on its monotonic
  // clock; at +100000 ppm (10% fast) its renewals come 10% sooner in true
  // time, starting right after the change.
  Scenario s = basic_scenario(1, 1, 1, "seed", 2);
  s.duration = seconds(20);
  RequestorConfig& holder = edit(s).requestors[0];
  holder.hold_min = holder.hold_max = Duration::max();
  const NodeId alice = s.requestor_id(0);
  Fault drift = make_fault(FaultKind::kDrift, seconds(10), node_target(alice));
  drift.drift_ppb = 100'000'000;
  s.faults.push_back(drift);
  CaptureSink sink;
  run(s, &sink);
  std::vector<TimePoint> renews;
  for (const Record& r : sink.records)
    if (r.kind == world_rec::kSend && r.node == alice &&
        decode_as<world_rec::Send>(r).type == static_cast<uint16_t>(MsgType::kRenew))
      renews.push_back(r.time);
  ASSERT_GT(renews.size(), 6u);
  const TimePoint change = TimePoint::origin() + seconds(10);
  for (size_t i = 1; i < renews.size(); ++i) {
    if (renews[i - 1] < change) continue;
    // 1666 ms local at 1.1x speed = 1514545455 ns true (rounded up).
    // (+-1 ns: the local reading the timer starts from is rounded down.)
    EXPECT_NEAR(static_cast<double>((renews[i] - renews[i - 1]).ns()), 1514545455.0, 1.0) << i;
  }
}

}  // namespace
}  // namespace world_test
}  // namespace leasesim
