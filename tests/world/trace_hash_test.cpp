// The trace hash is a function of the trace (docs/trace-format.md, "The
// trace hash"): recomputing it from the records a run writes, with the
// documented rule (world/trace_hash.hpp), gives the report's hash and
// record count, over runs with every kind of message fate (delivered, lost,
// duplicated, partitioned, to a crashed node) and timers. The world hashes
// its per-message records on a fast path without building them; this keeps
// that path and the rule the same thing.
#include "leasesim/world/trace_hash.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "../support/raft_lease.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace trace_hash_test {
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::edit;

Scenario Faulty(uint64_t seed) {
  Scenario s = basic_scenario(3, 3, 2, "seed", seed);
  s.duration = seconds(30);
  s.network.default_profile.latency = LatencyModel::uniform(milliseconds(1), milliseconds(8));
  s.network.default_profile.loss = 0.02;
  s.network.default_profile.duplicate = 0.02;
  raft_lease::Config& c = edit(s);
  c.ttl = c.max_ttl = seconds(2);
  ExploreSpec spec;
  spec.kinds = explore_bit(ExploreKind::kCrash) | explore_bit(ExploreKind::kPartition) |
               explore_bit(ExploreKind::kIsolate) | explore_bit(ExploreKind::kPause) |
               explore_bit(ExploreKind::kClockStep) | explore_bit(ExploreKind::kDrift);
  spec.min_faults = 4;
  spec.max_faults = 10;
  spec.max_down = seconds(2);
  spec.max_partition = seconds(2);
  spec.targets = {testing::leader_target()};
  for (NodeId n = 0; n < 3; ++n) spec.targets.push_back(testing::node_target(n));
  ExploreLayout layout;
  layout.servers = 3;
  for (uint32_t i = 0; i < 3; ++i) layout.requestors.push_back(s.requestor_id(i));
  layout.resources = 2;
  layout.duration = s.duration;
  s.faults = generate_faults(spec, layout, seed);
  return s;
}

TEST(TraceHash, RecomputedFromTheTraceOverFaultyRuns) {
  uint64_t sends = 0, delivers = 0, drops = 0, timers = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario s = Faulty(seed);
    CaptureSink sink;
    RunOptions o;
    o.trace = &sink;
    const RunResult r = World(s, o).run();
    TraceHasher h;
    for (const Record& rec : sink.records) {
      hash_record(h, rec);
      sends += rec.kind == world_rec::Send::kKind;
      delivers += rec.kind == world_rec::Deliver::kKind;
      drops += rec.kind == world_rec::Drop::kKind;
      timers += rec.kind == world_rec::Timer::kKind;
    }
    // Every record but the last, run_end, is hashed; the count has it too.
    ASSERT_EQ(sink.records.back().kind, world_rec::kRunEnd) << "seed " << seed;
    EXPECT_EQ(h.count() + 1, r.records) << "seed " << seed;
    EXPECT_EQ(sink.records.size(), r.records) << "seed " << seed;
    EXPECT_EQ(h.value(), r.trace_hash) << "seed " << seed;
    // Tracing does not change the run: the same hash without a sink.
    EXPECT_EQ(World(s, RunOptions{}).run().trace_hash, r.trace_hash) << "seed " << seed;
  }
  // The runs exercised every per-message record.
  EXPECT_GT(sends, 1000u);
  EXPECT_GT(delivers, 1000u);
  EXPECT_GT(drops, 10u);
  EXPECT_GT(timers, 100u);
}

// What the per-message forms cover: every field that does not follow from
// the records before it. Changing one changes the hash.
struct Trio {
  int64_t send_time = 1'000'000, deliver_time = 3'000'000, timer_time = 5'000'000;
  int64_t send_local = 1'000'500, deliver_local = 3'000'100, timer_local = 5'000'700;
  NodeId sender = 0, receiver = 2, timer_node = 1;
  uint16_t type = 3;
  uint64_t send_id = 17, deliver_id = 17;
  uint32_t resource = 1;
  NodeId deliver_from = 0;
  uint32_t timer_kind = 4;
  uint64_t timer_arg = 99;
  bool deliver_first = false;

  static Record at(Record r, int64_t time, int64_t local, NodeId node) {
    r.time = TimePoint(time);
    r.local = TimePoint(local);
    r.node = node;
    return r;
  }
  uint64_t hash() const {
    const Record send = at(encode_record(world_rec::Send{receiver, type, send_id, resource}),
                           send_time, send_local, sender);
    const Record deliver =
        at(encode_record(world_rec::Deliver{deliver_from, type, deliver_id, resource}),
           deliver_time, deliver_local, receiver);
    const Record timer = at(encode_record(world_rec::Timer{timer_kind, timer_arg}), timer_time,
                            timer_local, timer_node);
    TraceHasher h;
    for (const Record& r : deliver_first ? std::vector<Record>{deliver, send, timer}
                                         : std::vector<Record>{send, deliver, timer})
      hash_record(h, r);
    return h.value();
  }
};

TEST(TraceHash, PerMessageFormsCoverTheirFields) {
  const uint64_t base = Trio{}.hash();
  auto changed = [&](auto&& mutate) {
    Trio t;
    mutate(t);
    return t.hash() != base;
  };
  EXPECT_TRUE(changed([](Trio& t) { t.send_time += 1; }));
  EXPECT_TRUE(changed([](Trio& t) { t.sender = 1; }));
  EXPECT_TRUE(changed([](Trio& t) { t.receiver = 1; }));  // also the delivery's node
  EXPECT_TRUE(changed([](Trio& t) { t.type = 4; }));
  EXPECT_TRUE(changed([](Trio& t) { t.resource = 0; }));
  EXPECT_TRUE(changed([](Trio& t) { t.deliver_time += 1; }));
  EXPECT_TRUE(changed([](Trio& t) { t.deliver_id = 18; }));
  EXPECT_TRUE(changed([](Trio& t) { t.timer_time += 1; }));
  EXPECT_TRUE(changed([](Trio& t) { t.timer_node = 2; }));
  EXPECT_TRUE(changed([](Trio& t) { t.timer_kind = 5; }));
  EXPECT_TRUE(changed([](Trio& t) { t.timer_arg = 98; }));
  // Order matters.
  EXPECT_TRUE(changed([](Trio& t) { t.deliver_first = true; }));
  // Fields that follow from earlier records (a send's id is its position
  // among sends; a delivery's sender is its send's; every local time
  // follows from the clock records) are left out.
  EXPECT_FALSE(changed([](Trio& t) { t.send_id = 18; }));
  EXPECT_FALSE(changed([](Trio& t) { t.deliver_from = 1; }));
  EXPECT_FALSE(changed([](Trio& t) {
    t.send_local += 5;
    t.deliver_local += 5;
    t.timer_local += 5;
  }));
}

// run_end, the trace's last line, is not hashed: it says where and why the
// run ended, which the report prints beside the hash.
TEST(TraceHash, RunEndIsNotHashed) {
  Record r = encode_record(world_rec::RunEnd{3, 500});
  r.time = TimePoint(3'000'000);
  TraceHasher h;
  const uint64_t empty = h.value();
  hash_record(h, r);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value(), empty);
}

// Any other kind is hashed whole, local time included.
TEST(TraceHash, OtherKindsAreHashedWhole) {
  auto hash = [](int64_t local) {
    Record r = encode_record(world_rec::Drop{2, 3, 17, 1});
    r.time = TimePoint(3'000'000);
    r.local = TimePoint(local);
    r.node = 0;
    TraceHasher h;
    hash_record(h, r);
    TraceHasher whole;
    whole.add(r);
    EXPECT_EQ(whole.value(), h.value());
    return h.value();
  };
  EXPECT_NE(hash(3'000'100), hash(3'000'101));
}

}  // namespace
}  // namespace trace_hash_test
}  // namespace leasesim
