// When a server's messages leave relative to its own durable write
// (docs/scenario-format.md, timing.disk.send_while_writing): by default a
// new candidate's RequestVotes and a new leader's AppendEntries go out
// while the sender's own write is in flight (Raft dissertation 10.2.1);
// with send_while_writing false they wait until it is durable, as in a
// server that writes before it sends (LogCabin's candidate).
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace timing_writes_test {
namespace {

using testing::basic_scenario;
using testing::run_records;

constexpr Duration kFsync = milliseconds(5);

Scenario with_disk(std::optional<bool> send_while_writing) {
  Scenario s = basic_scenario(3, 0, 1);
  s.duration = seconds(3);
  NodeTiming t;
  t.fsync = LatencyModel::constant(kFsync);
  if (send_while_writing) t.send_while_writing = *send_while_writing;
  s.timing.nodes.assign(s.node_count(), t);
  return s;
}

// From the first server that takes `role`: the time it took it and the
// time of its first send of `type` after that.
struct Step {
  TimePoint became;
  TimePoint sent;
};

Step first(const std::vector<Record>& records, Role role, raft_lease::MsgType type) {
  NodeId who = kInvalidNode;
  Step out{TimePoint::max(), TimePoint::max()};
  for (const Record& r : records) {
    if (who == kInvalidNode && r.kind == obs::kRole &&
        decode_as<obs::RoleChanged>(r).role == role) {
      who = r.node;
      out.became = r.time;
    } else if (who != kInvalidNode && r.node == who && r.kind == world_rec::kSend &&
               decode_as<world_rec::Send>(r).type == static_cast<uint16_t>(type)) {
      out.sent = r.time;
      return out;
    }
  }
  return out;
}

TEST(SendWhileWriting, ByDefaultACandidatesRequestsLeaveAtOnce) {
  const Step s = first(run_records(with_disk(std::nullopt)), Role::kCandidate,
                       raft_lease::MsgType::kRequestVote);
  ASSERT_NE(s.sent, TimePoint::max());
  EXPECT_EQ(s.sent, s.became);
}

TEST(SendWhileWriting, OffACandidatesRequestsWaitForItsTermAndVote) {
  const Step s =
      first(run_records(with_disk(false)), Role::kCandidate, raft_lease::MsgType::kRequestVote);
  ASSERT_NE(s.sent, TimePoint::max());
  EXPECT_EQ(s.sent, s.became + kFsync);
}

TEST(SendWhileWriting, ByDefaultANewLeadersAppendsLeaveAtOnce) {
  const Step s =
      first(run_records(with_disk(true)), Role::kLeader, raft_lease::MsgType::kAppendEntries);
  ASSERT_NE(s.sent, TimePoint::max());
  EXPECT_EQ(s.sent, s.became);
}

TEST(SendWhileWriting, OffANewLeadersAppendsWaitForItsNoOp) {
  const Step s =
      first(run_records(with_disk(false)), Role::kLeader, raft_lease::MsgType::kAppendEntries);
  ASSERT_NE(s.sent, TimePoint::max());
  EXPECT_EQ(s.sent, s.became + kFsync);
}

// The knob changes only when messages leave: the same draws are made, so
// with no write in flight at any send (no disk) the runs are identical.
TEST(SendWhileWriting, WithoutADiskItChangesNothing) {
  Scenario on = basic_scenario(3, 0, 1);
  on.duration = seconds(3);
  Scenario off = on;
  NodeTiming t;
  t.processing = LatencyModel::constant(microseconds(20));
  on.timing.nodes.assign(on.node_count(), t);
  t.send_while_writing = false;
  off.timing.nodes.assign(off.node_count(), t);
  EXPECT_EQ(World(on, RunOptions{}).run().trace_hash, World(off, RunOptions{}).run().trace_hash);
}

}  // namespace
}  // namespace timing_writes_test
}  // namespace leasesim
