// A node's single timers (protocol/node.hpp) where a timer that pops is not
// handled at once: a processing model serves it later (a copy scheduled at
// the end of its service), a paused node handles it at resume (a copy kept
// until then). Meanwhile the node may replace that kind with a newer
// timer, and the host must keep the newer timer's handle: else a later
// replace leaves the newer timer pending and it fires stale, an extra
// engine event and a different trace.
//
// The host clears a single timer's handle when the timer is cancelled or
// pops, so that a later cancel or replace of its kind touches no event-queue
// slot (docs/performance.md, round seven), and marks the copies made after a
// pop so that they clear nothing. A crashed process's pending timers keep
// their handles, so that its successor's first replace or cancel of a kind
// cancels its predecessor's timer as it would its own. These runs pin the
// events and trace hashes the host gave before it cleared handles (c6db5b1):
// each test fails when its case is handled wrongly.
//
// Like golden traces, the pins move only on purpose: a deliberate change to
// the protocol, the world or the trace hash input moves them together with
// the library's golden outputs. Then take the new numbers from the build
// with that change, in the same commit, and say why in its message; never
// to make a test pass that this change of handles broke.
#include <gtest/gtest.h>

#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace single_timer_test {
namespace {

using testing::basic_scenario;
using testing::make_fault;
using testing::node_target;

struct Outcome {
  uint64_t events;
  uint64_t trace_hash;
};

// Runs seeds 1-3 of a scenario and compares each with its pinned outcome.
void expect_pinned(Scenario (*scenario)(uint64_t), const Outcome (&pinned)[3]) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE(seed);
    const RunResult r = World(scenario(seed), RunOptions{}).run();
    EXPECT_EQ(r.events, pinned[seed - 1].events);
    EXPECT_EQ(r.trace_hash, pinned[seed - 1].trace_hash);
  }
}

// Three servers whose every input takes 10-40 ms to serve: heartbeats,
// appends, votes and acknowledgements queue behind each other, so election
// timers pop while appends wait, and the appends then re-arm them.
Scenario busy_servers(uint64_t seed) {
  Scenario s = basic_scenario(3, 6, 2, "seed", seed);
  s.duration = seconds(20);
  NodeTiming busy;
  busy.processing = LatencyModel::uniform(milliseconds(10), milliseconds(40));
  s.timing.nodes.assign(s.node_count(), NodeTiming{});
  for (NodeId server = 0; server < 3; ++server) s.timing.nodes[server] = busy;
  return s;
}

// Every node in turn paused for 700 ms, one pause every 900 ms: timers
// that fall due in a pause run at resume, after messages that arrived
// during it and re-armed the same kinds.
Scenario pauses(uint64_t seed) {
  Scenario s = basic_scenario(3, 4, 2, "seed", seed);
  s.duration = seconds(20);
  for (int i = 0; i < 20; ++i) {
    const NodeId victim = static_cast<NodeId>(i % s.node_count());
    s.faults.push_back(make_fault(FaultKind::kPause, milliseconds(500 + 900 * i),
                                  node_target(victim), milliseconds(700)));
  }
  return s;
}

// Every node in turn crashed for 300 ms, one crash every 700 ms: a crashed
// process's pending single timers die with it, and its successor's first
// replace or cancel of a kind cancels its predecessor's timer, which may
// have popped meanwhile.
Scenario crashes(uint64_t seed) {
  Scenario s = basic_scenario(3, 4, 2, "seed", seed);
  s.duration = seconds(20);
  for (int i = 0; i < 25; ++i) {
    const NodeId victim = static_cast<NodeId>((i * 3) % s.node_count());
    s.faults.push_back(make_fault(FaultKind::kCrash, milliseconds(400 + 700 * i),
                                  node_target(victim), milliseconds(300)));
  }
  return s;
}

TEST(SingleTimers, ServedCopiesLeaveTheNewerTimersHandle) {
  const Outcome expected[] = {
      {2391, 0xda52c49f1f4aea9eULL}, {2367, 0xc6216c27711c01a2ULL}, {2383, 0xfbbefbbdf09c5579ULL}};
  expect_pinned(busy_servers, expected);
}

TEST(SingleTimers, DeferredCopiesLeaveTheNewerTimersHandle) {
  const Outcome expected[] = {
      {2436, 0x40414b4421b2bf65ULL}, {2356, 0x3a5cd15c4fb467aaULL}, {2390, 0xf5e9e891753bec0dULL}};
  expect_pinned(pauses, expected);
}

TEST(SingleTimers, ASuccessorCancelsItsCrashedPredecessorsTimers) {
  const Outcome expected[] = {
      {2198, 0x661fcf3aedfabad0ULL}, {2216, 0x9f9c866570479ad3ULL}, {2211, 0xa7e69fc237fb7441ULL}};
  expect_pinned(crashes, expected);
}

}  // namespace
}  // namespace single_timer_test
}  // namespace leasesim
