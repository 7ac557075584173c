// The world's typed records: every kind's codec against its descriptor, and
// the name tables the world keeps beside the layers that own the enums.
#include <gtest/gtest.h>

#include <string>

#include "../support/record_codec.hpp"
#include "leasesim/check/violation.hpp"
#include "leasesim/net/network.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {
namespace records_test {
namespace {

using namespace world_rec;

TEST(WorldRecords, EveryCodecMatchesItsDescriptor) {
  testing::ExpectCodecsMatchDescriptors<
      Send, Deliver, Drop, Timer, Crash, Restart, Pause, Resume, Partition, GroupMember, Cut,
      Isolate, Heal, ClockStep, Drift, NetWindow, NetWindowEnd, FaultSkipped, ClockInit, Header,
      Knob, ViolationFound, BeliefInterval, ViolationDetail, RunEnd>();
}

TEST(WorldRecords, SchemaTableListsEveryKindOnce) {
  TraceSchema schema;
  constexpr const char* kNames[] = {"ping", "pong"};
  for (const KindDesc& d : kinds(kNames)) schema.add(d);  // asserts on a repeated kind
  EXPECT_EQ(kinds(kNames).size(), 25u);
  EXPECT_STREQ(schema.find(kClockInit)->name, "clock_init");
  // The protocol's message names label the type of message records.
  const FieldDesc& type = schema.find(kSend)->fields[1];
  ASSERT_EQ(type.enum_count, 2u);
  EXPECT_STREQ(type.enum_names[1], "pong");
  EXPECT_EQ(schema.find(kDrop)->fields[1].enum_names, type.enum_names);
}

TEST(WorldRecords, NameTablesMatchTheLayersThatOwnTheEnums) {
  for (size_t k = 0; k < static_cast<size_t>(ViolationKind::kCount); ++k)
    EXPECT_EQ(std::string(kViolationKindNames[k]), to_string(static_cast<ViolationKind>(k)));
  for (size_t k = 0; k < static_cast<size_t>(DropReason::kCount); ++k)
    EXPECT_EQ(std::string(kDropNames[k]), kDropReasonNames[k]);
}

}  // namespace
}  // namespace records_test
}  // namespace leasesim
