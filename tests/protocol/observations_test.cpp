// Typed observations: every kind's codec against its descriptor, the
// schema table, and emission through Effects.
#include <gtest/gtest.h>

#include "../support/record_codec.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocol/session_observations.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace observations_test {
namespace {

TEST(Observations, EveryCodecMatchesItsDescriptor) {
  testing::ExpectCodecsMatchDescriptors<
      obs::RoleChanged, obs::LeaderReady, obs::Committed, obs::SnapshotInstalled, obs::LeaseGranted,
      obs::LeaseRenewed, obs::LeaseRefreshed, obs::LeaseFreed, obs::Want, obs::BeliefBegin,
      obs::BeliefExtend, obs::BeliefEnd, obs::WorkCheck, obs::WriteAccepted, obs::WriteRejected,
      obs::WriteSent, obs::SessionBegin, obs::SessionExtend, obs::SessionEnd, obs::SessionState>();
}

TEST(Observations, RaftLeaseKindsMatchTheirDescriptors) {
  testing::ExpectCodecsMatchDescriptors<raft::Vote, raft::StepDown, raft_lease::Reject,
                                        raft_lease::Validated>();
}

TEST(Observations, SchemaTableListsEveryKindOnceInOrder) {
  const auto kinds = observation_kinds();
  ASSERT_EQ(kinds.size(), static_cast<size_t>(obs::kEnd - obs::kRole));
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(kinds[i].kind, obs::kRole + i);
  EXPECT_STREQ(kinds[obs::kBeliefBegin - obs::kRole].name, "belief_begin");
  EXPECT_STREQ(kinds[obs::kSessionState - obs::kRole].name, "session_state");
}

TEST(Observations, EmitWritesTheKindAndFieldsInPlace) {
  Effects fx;
  fx.emit(obs::BeliefBegin{3, 42, 7, TimePoint(-5), ClockKind::kWall});
  ASSERT_EQ(fx.records().size(), 1u);
  const Record& r = fx.records()[0];
  EXPECT_EQ(r.kind, obs::kBeliefBegin);
  const auto b = decode_as<obs::BeliefBegin>(r);
  EXPECT_EQ(b.resource, 3u);
  EXPECT_EQ(b.lease, 42u);
  EXPECT_EQ(b.token, 7u);
  EXPECT_EQ(b.deadline, TimePoint(-5));  // signed values survive the trip
  EXPECT_EQ(b.clock, ClockKind::kWall);
  EXPECT_TRUE(r == encode_record(b));  // and nothing beyond its fields
}

TEST(ObservationsDeath, DecodingTheWrongKindIsAProgrammerError) {
  Effects fx;
  fx.emit(obs::Want{1});
  EXPECT_DEATH(decode_as<obs::BeliefEnd>(fx.records()[0]), "wrong kind");
}

}  // namespace
}  // namespace observations_test
}  // namespace leasesim
