// The raft-lease node factory: requestors configured alike share one
// configuration, and every node it makes is the process make_node makes.
#include <gtest/gtest.h>

#include "leasesim/protocols/raft_lease/module.hpp"

namespace leasesim {
namespace node_factory_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
namespace {

Config TwoGroups() {
  Config c;
  c.servers = 3;
  c.resources = 4;
  RequestorConfig a;
  a.resources = {0, 1};
  a.choice = ResourceChoice::kCycle;
  a.start_after = milliseconds(10);
  RequestorConfig b = a;
  b.ttl = seconds(7);
  b.resources = {2};
  // A, A, A, B, A, A: the B in the middle splits the A's into two stretches.
  c.requestors = {a, a, a, b, a, a};
  return c;
}

const Requestor& AsRequestor(const Node& n) {
  const auto* r = dynamic_cast<const Requestor*>(&n);
  EXPECT_NE(r, nullptr);
  return *r;
}

TEST(NodeFactory, RequestorsConfiguredAlikeShareOneConfiguration) {
  const Config c = TwoGroups();
  auto factory = module().node_factory(c);
  std::vector<std::unique_ptr<Node>> nodes;
  for (size_t i = 0; i < c.requestors.size(); ++i)
    nodes.push_back(factory->make_node(c.requestor_id(i), nullptr, Rng(1)));
  std::vector<const RequestorConfig*> shared;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Requestor& r = AsRequestor(*nodes[i]);
    EXPECT_EQ(r.self(), c.requestor_id(i));
    // Field for field what make_node's own copy holds, apart from `self`.
    RequestorConfig expected = c.requestor_config(i);
    expected.self = r.config().self;
    EXPECT_EQ(r.config(), expected) << "requestor " << i;
    shared.push_back(&r.config());
  }
  EXPECT_EQ(shared[0], shared[1]);
  EXPECT_EQ(shared[1], shared[2]);
  EXPECT_NE(shared[2], shared[3]);
  EXPECT_NE(shared[3], shared[4]);
  EXPECT_EQ(shared[4], shared[5]);
  EXPECT_EQ(shared[3]->ttl, seconds(7));
  EXPECT_EQ(shared[4]->ttl, c.requestors[4].ttl);
}

TEST(NodeFactory, AnEditedRequestorGetsItsOwnConfiguration) {
  Config c = TwoGroups();
  c.requestors[1].hold_min = c.requestors[1].hold_max = seconds(3);  // as a test edits one
  auto factory = module().node_factory(c);
  auto r0 = factory->make_node(c.requestor_id(0), nullptr, Rng(1));
  auto r1 = factory->make_node(c.requestor_id(1), nullptr, Rng(1));
  auto r2 = factory->make_node(c.requestor_id(2), nullptr, Rng(1));
  EXPECT_EQ(AsRequestor(*r1).config().hold_min, seconds(3));
  EXPECT_EQ(AsRequestor(*r0).config().hold_min, c.requestors[0].hold_min);
  EXPECT_EQ(AsRequestor(*r2).config().hold_min, c.requestors[2].hold_min);
  EXPECT_NE(&AsRequestor(*r0).config(), &AsRequestor(*r1).config());
  EXPECT_NE(&AsRequestor(*r1).config(), &AsRequestor(*r2).config());
}

// Same inputs, same outputs: a requestor from the factory and one from
// make_node, each started and woken, send the same acquire and set the
// same timers.
TEST(NodeFactory, MakesTheSameProcessesAsMakeNode) {
  const Config c = TwoGroups();
  auto factory = module().node_factory(c);
  for (size_t i = 0; i < c.requestors.size(); ++i) {
    const NodeId id = c.requestor_id(i);
    auto shared = factory->make_node(id, nullptr, Rng(40 + i));
    auto own = module().make_node(c, id, nullptr, Rng(40 + i));
    Effects a;
    Effects b;
    LocalClocks now{TimePoint(milliseconds(10).ns()), TimePoint(milliseconds(10).ns())};
    shared->start(now, a);
    own->start(now, b);
    shared->on_timer({Requestor::kWakeTimer, 0}, now, a);
    own->on_timer({Requestor::kWakeTimer, 0}, now, b);
    ASSERT_EQ(a.message_count(), 1u) << i;
    ASSERT_EQ(b.message_count(), 1u) << i;
    EXPECT_EQ(a.message(0).from, id);
    EXPECT_EQ(a.message(0).from, b.message(0).from);
    EXPECT_EQ(a.message(0).to, b.message(0).to);
    EXPECT_EQ(a.message(0).type, b.message(0).type);
    EXPECT_EQ(a.message(0).resource, b.message(0).resource);
    ASSERT_EQ(a.timers().size(), b.timers().size()) << i;
    for (size_t t = 0; t < a.timers().size(); ++t) {
      EXPECT_EQ(a.timers()[t].deadline, b.timers()[t].deadline);
      EXPECT_EQ(a.timers()[t].kind, b.timers()[t].kind);
      EXPECT_EQ(a.timers()[t].arg, b.timers()[t].arg);
    }
  }
}

TEST(NodeFactory, MakesServersAndTheStorageNodeToo) {
  Config c = TwoGroups();
  c.storage = true;
  auto factory = module().node_factory(c);
  ServerDisk disk;
  StorageDisk storage_disk;
  auto server = factory->make_node(0, &disk, Rng(1));
  auto storage = factory->make_node(c.storage_id(), &storage_disk, Rng(1));
  EXPECT_NE(dynamic_cast<LeaseServer*>(server.get()), nullptr);
  EXPECT_NE(dynamic_cast<Storage*>(storage.get()), nullptr);
  EXPECT_EQ(AsRequestor(*factory->make_node(c.requestor_id(0), nullptr, Rng(1))).self(),
            c.requestor_id(0));
}

}  // namespace
}  // namespace node_factory_test
}  // namespace leasesim
