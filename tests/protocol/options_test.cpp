#include "leasesim/protocols/raft_lease/options.hpp"

#include <gtest/gtest.h>

#include "leasesim/protocol/registry.hpp"

#include <string_view>

#include "leasesim/protocols/raft_lease/module.hpp"

namespace leasesim {
namespace options_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
namespace {

const TimePoint kAnchor(1'000'000'000);

TEST(HolderDeadline, NoMargin) {
  EXPECT_EQ(holder_deadline(HolderMargin{}, kAnchor, seconds(5)), kAnchor + seconds(5));
}

TEST(HolderDeadline, FixedMargin) {
  const HolderMargin m{MarginKind::kFixed, milliseconds(250), 0};
  EXPECT_EQ(holder_deadline(m, kAnchor, seconds(5)), kAnchor + milliseconds(4750));
}

TEST(HolderDeadline, DriftBoundRoundsTheDriftUp) {
  const HolderMargin m{MarginKind::kDriftBound, milliseconds(1), 2000};
  EXPECT_EQ(holder_deadline(m, kAnchor, seconds(5)),
            kAnchor + seconds(5) - milliseconds(10) - milliseconds(1));
  // 2000ppm of 5s + 1ns is 10ms + 0.002ns: rounded up to 10ms + 1ns.
  EXPECT_EQ(
      holder_deadline(m, kAnchor, seconds(5) + nanoseconds(1)),
      kAnchor + seconds(5) + nanoseconds(1) - milliseconds(10) - nanoseconds(1) - milliseconds(1));
  const HolderMargin zero{MarginKind::kDriftBound, Duration::zero(), 0};
  EXPECT_EQ(holder_deadline(zero, kAnchor, seconds(5)), kAnchor + seconds(5));
}

TEST(Presets, EveryNamedPresetExists) {
  ASSERT_EQ(preset_names().size(), 4u);
  for (std::string_view name : preset_names()) {
    LeaseOptions o;
    EXPECT_TRUE(preset_options(name, &o)) << name;
  }
  LeaseOptions o;
  o.fencing = true;
  EXPECT_FALSE(preset_options("no-such-preset", &o));
  EXPECT_TRUE(o.fencing);  // untouched
}

TEST(Presets, SafeAndNaiveAreOpposites) {
  LeaseOptions safe;
  LeaseOptions naive;
  ASSERT_TRUE(preset_options("safe", &safe));
  ASSERT_TRUE(preset_options("naive", &naive));
  EXPECT_EQ(safe.anchor, ExpiryAnchor::kSend);
  EXPECT_EQ(naive.anchor, ExpiryAnchor::kReceipt);
  EXPECT_EQ(safe.grant_reply, GrantReply::kAfterCommit);
  EXPECT_EQ(naive.grant_reply, GrantReply::kImmediate);
  EXPECT_EQ(safe.keying, LeaseKeying::kLeaseId);
  EXPECT_EQ(naive.keying, LeaseKeying::kResource);
  EXPECT_TRUE(safe.fencing);
  EXPECT_FALSE(naive.fencing);
  EXPECT_EQ(safe.check_quorum, QuorumCheck::kDeadline);
  EXPECT_EQ(naive.check_quorum, QuorumCheck::kOff);
  EXPECT_TRUE(safe.sequencer.check);
  EXPECT_FALSE(naive.sequencer.check);
  EXPECT_EQ(naive.failover, FailoverPolicy::kTrustLog);
}

TEST(Registry, FindsTheRaftLeaseProtocol) {
  const ProtocolModule* p = find_protocol("raft-lease");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p, &raft_lease::module());
  EXPECT_EQ(&default_protocol(), p);  // registered first by register_builtin_protocols()
  EXPECT_EQ(find_protocol("nope"), nullptr);
  EXPECT_EQ(p->record_kinds().size(), 4u);
  EXPECT_EQ(p->message_names().size(), static_cast<size_t>(MsgType::kCount));
  EXPECT_STREQ(p->message_names()[static_cast<size_t>(MsgType::kAppendEntries)], "append_entries");
  raft_lease::Config cfg;
  cfg.servers = 1;
  cfg.resources = 1;
  auto disk = p->make_disk(cfg, 0);
  auto server = p->make_node(cfg, 0, disk.get(), Rng(1));
  Effects fx;
  server->start(LocalClocks{}, fx);
  EXPECT_EQ(fx.timers().size(), 1u);
}

TEST(Registry, RegisteringTheSameModuleAgainChangesNothing) {
  const size_t n = protocols().size();
  register_protocol(raft_lease::module());
  EXPECT_EQ(protocols().size(), n);
}

}  // namespace
}  // namespace options_test
}  // namespace leasesim
