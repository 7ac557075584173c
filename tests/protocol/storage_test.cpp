#include "leasesim/protocols/raft_lease/storage.hpp"

#include <gtest/gtest.h>

#include "harness.hpp"

namespace leasesim {
namespace storage_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::At;
using testing::Out;

constexpr NodeId kStorage = 50;

Message Write(NodeId from, ResourceId r, uint64_t token, uint64_t req = 1) {
  Message m;
  m = testing::LeaseMessage(MsgType::kWrite, from, kStorage);
  m.resource = r;
  L(m).token = token;
  L(m).lease = token;
  L(m).request_id = req;
  return m;
}

Out Send(Storage& s, const Message& m) {
  Effects fx;
  s.on_message(m, At(seconds(1)), fx);
  return testing::Capture(fx);
}

StorageConfig Config(bool fencing) {
  return StorageConfig{kStorage, 2, fencing};
}

TEST(Storage, FencingRejectsALowerToken) {
  StorageDisk disk;
  Storage s(Config(true), disk);
  const Out a = Send(s, Write(100, 0, 5, 1));
  ASSERT_EQ(a.count_records(obs::kWriteAccepted), 1u);
  const Record acc = a.recs(obs::kWriteAccepted)[0];
  EXPECT_EQ(decode_as<obs::WriteAccepted>(acc).resource, 0u);
  EXPECT_EQ(decode_as<obs::WriteAccepted>(acc).token, 5u);
  EXPECT_EQ(decode_as<obs::WriteAccepted>(acc).writer, 100u);
  EXPECT_EQ(decode_as<obs::WriteAccepted>(acc).lease, 5u);
  ASSERT_EQ(a.count(MsgType::kWriteReply), 1u);
  EXPECT_TRUE(L(a.sent(MsgType::kWriteReply)[0]).success);
  EXPECT_EQ(a.sent(MsgType::kWriteReply)[0].to, 100u);
  EXPECT_EQ(L(a.sent(MsgType::kWriteReply)[0]).request_id, 1u);

  const Out r = Send(s, Write(101, 0, 3, 2));
  ASSERT_EQ(r.count_records(obs::kWriteRejected), 1u);
  EXPECT_EQ(r.count_records(obs::kWriteAccepted), 0u);
  const Record rej = r.recs(obs::kWriteRejected)[0];
  EXPECT_EQ(decode_as<obs::WriteRejected>(rej).resource, 0u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(rej).token, 3u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(rej).writer, 101u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(rej).lease, 3u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(rej).highest, 5u);  // the highest token seen
  const Message reply = r.sent(MsgType::kWriteReply)[0];
  EXPECT_FALSE(L(reply).success);
  EXPECT_EQ(L(reply).error, ErrorCode::kStaleToken);
  EXPECT_EQ(L(reply).token, 3u);
  EXPECT_EQ(L(reply).lease, 3u);
  EXPECT_EQ(L(reply).request_id, 2u);
  EXPECT_EQ(disk.highest[0], 5u);
}

TEST(Storage, FencingAcceptsEqualAndHigherTokens) {
  StorageDisk disk;
  Storage s(Config(true), disk);
  EXPECT_EQ(Send(s, Write(100, 0, 5)).count_records(obs::kWriteAccepted), 1u);
  EXPECT_EQ(Send(s, Write(100, 0, 5)).count_records(obs::kWriteAccepted), 1u);
  EXPECT_EQ(Send(s, Write(101, 0, 9)).count_records(obs::kWriteAccepted), 1u);
  EXPECT_EQ(disk.highest[0], 9u);
  EXPECT_EQ(Send(s, Write(100, 0, 5)).count_records(obs::kWriteRejected), 1u);
  // Resources are fenced independently.
  EXPECT_EQ(Send(s, Write(100, 1, 1)).count_records(obs::kWriteAccepted), 1u);
}

TEST(Storage, WithoutFencingEverythingIsAccepted) {
  StorageDisk disk;
  Storage s(Config(false), disk);
  EXPECT_EQ(Send(s, Write(100, 0, 9)).count_records(obs::kWriteAccepted), 1u);
  const Out o = Send(s, Write(101, 0, 2));
  EXPECT_EQ(o.count_records(obs::kWriteAccepted), 1u);
  EXPECT_TRUE(L(o.sent(MsgType::kWriteReply)[0]).success);
  EXPECT_EQ(disk.highest[0], 9u);  // still tracked
}

TEST(Storage, HighestSurvivesARestart) {
  StorageDisk disk;
  {
    Storage s(Config(true), disk);
    Send(s, Write(100, 1, 8));
  }
  Storage again(Config(true), disk);
  Effects fx;
  again.start(At(seconds(2)), fx);
  EXPECT_EQ(fx.message_count(), 0u);
  const Out o = Send(again, Write(101, 1, 7));
  ASSERT_EQ(o.count_records(obs::kWriteRejected), 1u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(o.recs(obs::kWriteRejected)[0]).highest, 8u);
}

TEST(Storage, IgnoresOtherMessagesAndUnknownResources) {
  StorageDisk disk;
  Storage s(Config(true), disk);
  EXPECT_TRUE(Send(s, Write(100, 7, 1)).msgs.empty());
  Message m = Write(100, 0, 1);
  m.type = static_cast<uint16_t>(MsgType::kAcquire);
  const Out o = Send(s, m);
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_TRUE(o.records.empty());
}

}  // namespace
}  // namespace storage_test
}  // namespace leasesim
