// A requestor, a core and a storage wired together by hand: messages are
// delivered at once in FIFO order and the earliest timer fires next. This is
// a check that the nodes speak the same language, not a simulator.
#include <gtest/gtest.h>

#include <deque>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "leasesim/protocols/raft_lease/storage.hpp"

namespace leasesim {
namespace integration_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Cluster;
using testing::Driver;
using testing::Out;

constexpr NodeId kReq = 100;
constexpr NodeId kStore = 50;

struct World {
  explicit World(size_t servers, const LeaseOptions& o)
      : core(servers, Config(servers, o)),
        requestor(RequestorCfg(servers, o), Rng(5)),
        storage(StorageConfig{kStore, 2, o.fencing}, store_disk),
        rd(&requestor),
        sd(&storage) {}

  static ServerConfig Config(size_t n, const LeaseOptions& o) {
    ServerConfig c = testing::BaseServerConfig(n, 2);
    c.options = o;
    return c;
  }
  static RequestorConfig RequestorCfg(size_t n, const LeaseOptions& o) {
    RequestorConfig c;
    c.self = kReq;
    for (size_t i = 0; i < n; ++i) c.servers.push_back(static_cast<NodeId>(i));
    c.storage = kStore;
    c.resources = {1};
    c.options = o;
    c.ttl = seconds(3);
    c.renew_every = seconds(1);
    c.start_after = seconds(1);
    c.hold_min = c.hold_max = seconds(5);
    c.write_every = milliseconds(700);
    c.max_holds = 2;
    return c;
  }

  // Messages from the requestor or the storage, to anyone.
  void route(const Out& o) {
    for (const Message& m : o.msgs) outside.push_back(m);
    for (const Record& r : o.records) records.push_back(r);
  }
  void sync() {
    rd.now = sd.now = LocalClocks{TimePoint(core.now().ns()), TimePoint(core.now().ns())};
  }
  // Runs until true time `until`.
  void run(Duration until) {
    for (int guard = 0; guard < 100000; ++guard) {
      for (const Record& r : core.records) records.push_back(r);
      core.records.clear();
      if (!core.in_flight.empty()) {
        core.deliver_all();
        continue;
      }
      if (!core.to_clients.empty()) {
        for (const Message& m : core.to_clients) outside.push_back(m);
        core.to_clients.clear();
        continue;
      }
      if (!outside.empty()) {
        const Message m = outside.front();
        outside.pop_front();
        sync();
        if (m.to == kReq) {
          route(rd.deliver(m));
        } else if (m.to == kStore) {
          route(sd.deliver(m));
        } else {
          core.client(m);
        }
        continue;
      }
      sync();
      Duration best = rd.until_earliest();
      int who = -1;
      for (size_t i = 0; i < core.size(); ++i) {
        const Duration d = core.until_earliest(i);
        if (d < best) {
          best = d;
          who = static_cast<int>(i);
        }
      }
      if (best == Duration::max() || core.now() + best > until) return;
      core.advance(best);
      sync();
      if (who < 0) {
        route(rd.fire_earliest());
      } else {
        core.fire_earliest(static_cast<size_t>(who));
      }
    }
    ADD_FAILURE() << "run did not settle";
  }
  std::vector<Record> recs(uint16_t kind) const {
    std::vector<Record> r;
    for (const Record& x : records)
      if (x.kind == kind) r.push_back(x);
    return r;
  }

  Cluster core;
  Requestor requestor;
  StorageDisk store_disk;
  Storage storage;
  Driver rd, sd;
  std::deque<Message> outside;
  std::vector<Record> records;
};

void ExpectTwoCleanHolds(const World& w) {
  const auto granted = w.recs(obs::kLeaseGranted);
  const auto begin = w.recs(obs::kBeliefBegin);
  const auto end = w.recs(obs::kBeliefEnd);
  const auto freed = w.recs(obs::kLeaseFreed);
  ASSERT_EQ(begin.size(), 2u);
  ASSERT_EQ(end.size(), 2u);
  ASSERT_EQ(granted.size(), 2u);
  ASSERT_EQ(freed.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(decode_as<obs::BeliefBegin>(begin[k]).lease,
              decode_as<obs::LeaseGranted>(granted[k]).lease);  // the lease the core granted
    EXPECT_EQ(decode_as<obs::BeliefBegin>(begin[k]).token,
              decode_as<obs::LeaseGranted>(granted[k]).token);  // and its token
    EXPECT_EQ(decode_as<obs::BeliefEnd>(end[k]).reason, BeliefEndReason::kReleased);
    EXPECT_EQ(decode_as<obs::LeaseFreed>(freed[k]).lease,
              decode_as<obs::LeaseGranted>(granted[k]).lease);
    EXPECT_EQ(decode_as<obs::LeaseFreed>(freed[k]).reason, FreeReason::kReleased);
  }
  EXPECT_GT(decode_as<obs::LeaseGranted>(granted[1]).token,
            decode_as<obs::LeaseGranted>(granted[0]).token);
  EXPECT_GE(w.recs(obs::kBeliefExtend).size(), 4u);  // renewals kept it alive
  EXPECT_GE(w.recs(obs::kWriteAccepted).size(), 8u);
  EXPECT_TRUE(w.recs(obs::kWriteRejected).empty());
  EXPECT_EQ(w.requestor.phase(), Requestor::Phase::kDone);
}

TEST(Integration, RequestorHoldsRenewsWritesAndReleasesOnASingleServerCore) {
  LeaseOptions o;
  ASSERT_TRUE(preset_options("safe", &o));
  World w(1, o);
  w.core.start_all();
  w.sync();
  w.rd.start();
  w.run(seconds(30));
  ExpectTwoCleanHolds(w);
}

TEST(Integration, RequestorFindsTheLeaderOfAThreeServerCore) {
  LeaseOptions o;
  ASSERT_TRUE(preset_options("seed", &o));
  World w(3, o);
  w.core.start_all();
  w.sync();
  w.rd.start();
  w.run(seconds(30));
  ExpectTwoCleanHolds(w);
}

}  // namespace
}  // namespace integration_test
}  // namespace leasesim
