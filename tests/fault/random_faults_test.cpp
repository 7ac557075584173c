#include "leasesim/fault/random_faults.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace leasesim {
namespace random_faults_test {
namespace {

// 5 servers (0..4), storage 5, requestors 6..8, two resources, 60 s.
ExploreLayout layout() {
  ExploreLayout l;
  l.servers = 5;
  l.requestors = {6, 7, 8};
  l.resources = 2;
  l.duration = seconds(60);
  return l;
}

std::string key(const FaultTarget& t) {
  return std::to_string(static_cast<int>(t.kind)) + ":" + std::to_string(t.node) + ":" +
         std::to_string(t.resource);
}

// Everything that defines a fault, as text, for equality checks.
std::string describe(const std::vector<Fault>& faults) {
  std::string s;
  for (const Fault& f : faults) {
    s += std::to_string(f.at.ns()) + " " + to_string(f.kind) + " " + key(f.target) + " " +
         std::to_string(f.duration.ns()) + " " + key(f.from) + ">" + key(f.to) + " " +
         std::to_string(f.step.ns()) + " " + std::to_string(f.drift_ppb) + " " +
         std::to_string(f.loss) + " " + std::to_string(f.duplicate) + " " +
         (f.latency ? std::to_string(f.latency->a.ns()) + "-" + std::to_string(f.latency->b.ns())
                    : "-");
    for (const auto& g : f.groups) {
      s += " [";
      for (const FaultTarget& t : g) s += key(t) + ",";
      s += "]";
    }
    s += "\n";
  }
  return s;
}

TEST(RandomFaults, KindNamesRoundTrip) {
  for (size_t k = 0; k < static_cast<size_t>(ExploreKind::kCount); ++k) {
    ExploreKind parsed;
    ASSERT_TRUE(parse_explore_kind(to_string(static_cast<ExploreKind>(k)), &parsed));
    EXPECT_EQ(static_cast<size_t>(parsed), k);
  }
  ExploreKind parsed;
  EXPECT_FALSE(parse_explore_kind("meteor", &parsed));
}

TEST(RandomFaults, SameSeedSameFaultsDifferentSeedsDiffer) {
  const ExploreSpec spec;
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const std::string a = describe(generate_faults(spec, layout(), seed));
    EXPECT_EQ(a, describe(generate_faults(spec, layout(), seed))) << "seed " << seed;
    distinct.insert(a);
  }
  EXPECT_GT(distinct.size(), 190u);
}

TEST(RandomFaults, StaysWithinTheSpecAndEverythingEndsBeforeTheQuietStretch) {
  ExploreSpec spec;
  spec.max_faults = 12;
  const ExploreLayout l = layout();
  const TimePoint lo = TimePoint::origin() + spec.start_after;
  const TimePoint hi = TimePoint::origin() + l.duration - spec.quiet_after;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    const std::vector<Fault> faults = generate_faults(spec, l, seed);
    SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + describe(faults));
    ASSERT_TRUE(std::is_sorted(faults.begin(), faults.end(),
                               [](const Fault& a, const Fault& b) { return a.at < b.at; }));
    bool blocked = false;       // a partition, cut or isolation is in force
    bool ever_blocked = false;  // one came before (heals of overlapping ones may repeat)
    for (const Fault& f : faults) {
      EXPECT_GE(f.at, lo);
      EXPECT_LE(f.at, hi);
      switch (f.kind) {
        case FaultKind::kCrash:
          EXPECT_GT(f.duration, Duration::zero());
          EXPECT_LE(f.duration, spec.max_down);
          EXPECT_LE(f.at + f.duration, hi);
          break;
        case FaultKind::kPause:
          EXPECT_GT(f.duration, Duration::zero());
          EXPECT_LE(f.duration, spec.max_pause);
          EXPECT_LE(f.at + f.duration, hi);
          break;
        case FaultKind::kNetwork:
          EXPECT_GT(f.duration, Duration::zero());
          EXPECT_LE(f.duration, spec.max_window);
          EXPECT_LE(f.at + f.duration, hi);
          EXPECT_LE(f.loss, spec.max_loss);
          EXPECT_LE(f.duplicate, spec.max_duplicate);
          EXPECT_TRUE(f.loss > 0 || f.duplicate > 0 || f.latency);
          if (f.latency) {
            EXPECT_LE(f.latency->a, f.latency->b);
            EXPECT_LE(f.latency->b, spec.max_latency);
          }
          break;
        case FaultKind::kPartition: {
          blocked = ever_blocked = true;
          ASSERT_GE(f.groups.size(), 2u);
          std::set<std::string> seen;
          for (const auto& g : f.groups) {
            EXPECT_FALSE(g.empty());
            for (const FaultTarget& t : g) EXPECT_TRUE(seen.insert(key(t)).second);
          }
          break;
        }
        case FaultKind::kCut:
          blocked = ever_blocked = true;
          EXPECT_NE(key(f.from), key(f.to));
          break;
        case FaultKind::kIsolate:
          blocked = ever_blocked = true;
          break;
        case FaultKind::kHeal:
          EXPECT_TRUE(ever_blocked) << "a heal with nothing before it to heal";
          blocked = false;
          break;
        case FaultKind::kClockStep:
          EXPECT_LE(f.step, spec.max_step);
          EXPECT_GE(f.step, -spec.max_step);
          break;
        case FaultKind::kDrift:
          EXPECT_LE(f.drift_ppb, spec.drift_ppb);
          EXPECT_GE(f.drift_ppb, -spec.drift_ppb);
          break;
        default:
          ADD_FAILURE() << "unexpected kind " << to_string(f.kind);
      }
    }
    EXPECT_FALSE(blocked) << "a partition, cut or isolation is never healed";
  }
}

TEST(RandomFaults, OnlyEnabledKindsAndTargets) {
  ExploreSpec spec;
  spec.kinds = explore_bit(ExploreKind::kCrash) | explore_bit(ExploreKind::kPause);
  spec.targets = {FaultTarget{FaultTarget::Kind::kNode, 2, kNoResource},
                  FaultTarget{FaultTarget::Kind::kLeader, kInvalidNode, kNoResource}};
  size_t total = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    for (const Fault& f : generate_faults(spec, layout(), seed)) {
      ++total;
      EXPECT_TRUE(f.kind == FaultKind::kCrash || f.kind == FaultKind::kPause);
      EXPECT_TRUE((f.target.kind == FaultTarget::Kind::kNode && f.target.node == 2) ||
                  f.target.kind == FaultTarget::Kind::kLeader);
    }
  }
  EXPECT_GT(total, 300u);
}

TEST(RandomFaults, SwarmSwitchesKindsOnAndOffPerSeed) {
  const ExploreSpec spec;
  size_t with_crash = 0, seeds = 500;
  std::set<FaultKind> seen;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    bool crash = false;
    for (const Fault& f : generate_faults(spec, layout(), seed)) {
      seen.insert(f.kind);
      crash = crash || f.kind == FaultKind::kCrash;
    }
    with_crash += crash;
  }
  // Crash is on in about half the seeds, not in (almost) all of them.
  EXPECT_GT(with_crash, seeds / 5);
  EXPECT_LT(with_crash, seeds * 4 / 5);
  for (const FaultKind k : {FaultKind::kCrash, FaultKind::kPause, FaultKind::kPartition,
                            FaultKind::kCut, FaultKind::kIsolate, FaultKind::kHeal,
                            FaultKind::kClockStep, FaultKind::kDrift, FaultKind::kNetwork}) {
    EXPECT_TRUE(seen.count(k)) << to_string(k) << " never generated";
  }
}

TEST(RandomFaults, PartitionShapesIncludeRolesAndRequestors) {
  ExploreSpec spec;
  spec.kinds = explore_bit(ExploreKind::kPartition);
  bool leader = false, requestor = false, servers_only = false;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    for (const Fault& f : generate_faults(spec, layout(), seed)) {
      if (f.kind != FaultKind::kPartition) continue;
      bool any_requestor = false;
      for (const auto& g : f.groups) {
        for (const FaultTarget& t : g) {
          leader = leader || t.kind == FaultTarget::Kind::kLeader;
          any_requestor = any_requestor || (t.kind == FaultTarget::Kind::kNode && t.node >= 5);
        }
      }
      requestor = requestor || any_requestor;
      servers_only = servers_only || !any_requestor;
    }
  }
  EXPECT_TRUE(leader);
  EXPECT_TRUE(requestor);
  EXPECT_TRUE(servers_only);
}

TEST(RandomFaults, NothingWhenThereIsNoRoomOrNoBudget) {
  ExploreSpec spec;
  spec.start_after = seconds(30);
  spec.quiet_after = seconds(30);
  EXPECT_TRUE(generate_faults(spec, layout(), 7).empty());
  ExploreSpec none;
  none.min_faults = 0;
  none.max_faults = 0;
  EXPECT_TRUE(generate_faults(none, layout(), 7).empty());
  ExploreSpec no_kinds;
  no_kinds.kinds = 0;
  EXPECT_TRUE(generate_faults(no_kinds, layout(), 7).empty());
}

TEST(RandomFaults, DefaultTargets) {
  const std::vector<FaultTarget> t = explore_targets(ExploreSpec{}, layout());
  // 5 servers + 3 requestors + leader + 2 holders; not the storage node (5).
  ASSERT_EQ(t.size(), 11u);
  for (const FaultTarget& x : t) {
    if (x.kind == FaultTarget::Kind::kNode) {
      EXPECT_NE(x.node, 5u);
    }
  }
}

}  // namespace
}  // namespace random_faults_test
}  // namespace leasesim
