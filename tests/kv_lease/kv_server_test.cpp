// The kv-lease store alone: one server (its own majority) fed Gets and
// Updates; compare-and-swap at apply, blind writes, reads by role, and the
// core records of each write.
#include <gtest/gtest.h>

#include <vector>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/kv_lease/kv_server.hpp"

namespace leasesim::kv_lease {
namespace kv_server_test {
namespace {

class KvServerTest : public ::testing::Test {
 protected:
  void make(Knobs knobs, uint32_t servers = 1) {
    ServerConfig c;
    c.self = 0;
    for (uint32_t i = 0; i < servers; ++i) c.servers.push_back(i);
    c.resources = 1;
    c.knobs = knobs;
    node_ = std::make_unique<KvServer>(c, disk_, Rng(3));
    step([&](Effects& fx) { node_->start(now(), fx); });
  }
  LocalClocks now() const { return LocalClocks{TimePoint(t_.ns()), TimePoint(t_.ns())}; }
  template <typename F>
  void step(F f) {
    fx_.clear();
    f(fx_);
    for (const TimerRequest& t : fx_.timers()) timers_.push_back(t);
  }
  void elect() {  // a single server elects itself when its election timer fires
    for (const TimerRequest& t : timers_) {
      if (t.kind != KvServer::kElectionTimer) continue;
      t_ = Duration(t.deadline.ns());
      step([&](Effects& fx) { node_->on_timer(TimerFire{t.kind, t.arg}, now(), fx); });
      break;
    }
    ASSERT_EQ(node_->role(), Role::kLeader);
    ASSERT_TRUE(node_->ready());
  }
  const Message* request(MsgType type, NodeId from, const LeaseRecord& rec) {
    Message m;
    m.reset(static_cast<uint16_t>(type), from, 0);
    m.resource = 0;
    KvMsg& k = m.set<KvMsg>();
    k.request_id = ++id_;
    k.record = rec;
    step([&](Effects& fx) { node_->on_message(m, now(), fx); });
    return fx_.message_count() > 0 ? &fx_.message(0) : nullptr;
  }
  static LeaseRecord claim(NodeId holder, uint64_t expected) {
    LeaseRecord r;
    r.version = expected;
    r.holder = holder;
    r.incarnation = 1;
    r.lease_duration = seconds(15);
    r.renew_time = TimePoint(seconds(1).ns());
    return r;
  }
  std::vector<uint16_t> kinds() const {
    std::vector<uint16_t> k;
    for (const Record& r : fx_.records())
      if (r.kind == obs::kLeaseGranted || r.kind == obs::kLeaseRenewed ||
          r.kind == obs::kLeaseFreed)
        k.push_back(r.kind);
    return k;
  }

  ServerDisk disk_;
  std::unique_ptr<KvServer> node_;
  Effects fx_;
  std::vector<TimerRequest> timers_;
  Duration t_ = Duration::zero();
  uint64_t id_ = 0;
};

TEST_F(KvServerTest, CompareAndSwapIsJudgedAtApply) {
  make(Knobs{});
  elect();
  const Message* r = request(MsgType::kUpdate, 3, claim(3, 0));  // create
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(type_of(*r), MsgType::kUpdateReply);
  const uint64_t v1 = r->as<KvMsg>().record.version;
  EXPECT_EQ(r->as<KvMsg>().lease, v1);
  EXPECT_EQ(kinds(), std::vector<uint16_t>{obs::kLeaseGranted});
  // A second writer with the version it read before: conflict, nothing written.
  r = request(MsgType::kUpdate, 4, claim(4, 0));
  ASSERT_EQ(type_of(*r), MsgType::kConflict);
  EXPECT_EQ(r->as<KvMsg>().record.holder, 3u);
  EXPECT_TRUE(kinds().empty());
  // The holder renews with the current version: same lease, a renewal.
  r = request(MsgType::kUpdate, 3, claim(3, v1));
  ASSERT_EQ(type_of(*r), MsgType::kUpdateReply);
  EXPECT_EQ(r->as<KvMsg>().lease, v1);
  EXPECT_EQ(kinds(), std::vector<uint16_t>{obs::kLeaseRenewed});
  // Another takes over with the current version: the old lease is freed, a new one granted.
  const uint64_t v2 = r->as<KvMsg>().record.version;
  r = request(MsgType::kUpdate, 4, claim(4, v2));
  ASSERT_EQ(type_of(*r), MsgType::kUpdateReply);
  EXPECT_EQ(kinds(), (std::vector<uint16_t>{obs::kLeaseFreed, obs::kLeaseGranted}));
  // Indices grow strictly: freed at 2v, granted at 2v + 1.
  std::vector<uint64_t> idx;
  for (const Record& rec : fx_.records()) {
    if (rec.kind == obs::kLeaseFreed) idx.push_back(obs::LeaseFreed::decode(rec).index);
    if (rec.kind == obs::kLeaseGranted) idx.push_back(obs::LeaseGranted::decode(rec).index);
  }
  ASSERT_EQ(idx.size(), 2u);
  EXPECT_EQ(idx[1], idx[0] + 1);
  // A Get returns what was written.
  r = request(MsgType::kGet, 3, LeaseRecord{});
  ASSERT_EQ(type_of(*r), MsgType::kGetReply);
  EXPECT_EQ(r->as<KvMsg>().record.holder, 4u);
}

TEST_F(KvServerTest, BlindUpdatesIgnoreTheVersion) {
  Knobs k;
  k.update = Update::kBlind;
  make(k);
  elect();
  request(MsgType::kUpdate, 3, claim(3, 0));
  const Message* r = request(MsgType::kUpdate, 4, claim(4, 0));  // stale version
  ASSERT_EQ(type_of(*r), MsgType::kUpdateReply);
  EXPECT_EQ(r->as<KvMsg>().record.holder, 4u);
}

TEST_F(KvServerTest, AFollowerRedirectsUnlessAnyServerMayAnswerReads) {
  make(Knobs{}, 3);  // not elected yet: a follower
  const Message* r = request(MsgType::kGet, 3, LeaseRecord{});
  ASSERT_EQ(type_of(*r), MsgType::kRedirect);
  r = request(MsgType::kUpdate, 3, claim(3, 0));
  ASSERT_EQ(type_of(*r), MsgType::kRedirect);
  Knobs any;
  any.reads = Reads::kAny;
  make(any, 3);
  r = request(MsgType::kGet, 3, LeaseRecord{});
  ASSERT_EQ(type_of(*r), MsgType::kGetReply);  // from its own (possibly stale) state
}

TEST_F(KvServerTest, SnapshotKeepsTheRecordAndItsLease) {
  make(Knobs{});
  elect();
  request(MsgType::kUpdate, 3, claim(3, 0));
  std::vector<SnapshotItem> items;
  const KvMachine& m = node_->machine();
  m.snapshot(&items);
  ServerDisk other_disk;
  ServerConfig c;
  c.self = 0;
  c.servers = {0};
  c.resources = 1;
  KvServer other(c, other_disk, Rng(1));
  const_cast<KvMachine&>(other.machine()).restore(items);
  EXPECT_EQ(other.machine().slot(0).record.holder, 3u);
  EXPECT_EQ(other.machine().slot(0).lease, m.slot(0).lease);
}

}  // namespace
}  // namespace kv_server_test
}  // namespace leasesim::kv_lease
