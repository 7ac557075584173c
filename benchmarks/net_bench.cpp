// Micro-benchmarks of the network model: deciding a send (partition check,
// loss/duplication draws, a latency draw, FIFO hold-back among servers), and
// a message's whole trip through the engine without a protocol: decide,
// schedule the delivery, pop it, check the link at delivery.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "leasesim/core/event_queue.hpp"
#include "leasesim/net/network.hpp"

namespace leasesim {
namespace {

constexpr uint32_t kNodes = 1005;  // W1 at C=1,000: 5 servers, 1,000 requestors
constexpr uint32_t kServers = 5;

Network make_network(double loss) {
  NetworkConfig c;
  c.node_count = kNodes;
  c.fifo_nodes = kServers;
  c.default_profile.latency = LatencyModel::uniform(milliseconds(1), milliseconds(10));
  c.default_profile.loss = loss;
  return Network(c, Rng(42));
}

// range(0): 0 = server to server (FIFO link), 1 = requestor to server.
void BM_NetworkDecideSend(benchmark::State& state) {
  Network net = make_network(0.0);
  const bool fifo = state.range(0) == 0;
  int64_t t = 0;
  uint32_t i = 0;
  int64_t sum = 0;
  for (auto _ : state) {
    const NodeId from = fifo ? 0 : kServers + (i % (kNodes - kServers));
    const NodeId to = fifo ? 1 + (i % (kServers - 1)) : 0;
    const SendDecision d = net.decide_send(TimePoint(t), from, to);
    sum += d.deliver_at[0].ns();
    t += 1000;
    ++i;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NetworkDecideSend)->Arg(0)->Arg(1);

void BM_NetworkDecideSendLossy(benchmark::State& state) {
  Network net = make_network(0.01);
  int64_t t = 0;
  uint32_t i = 0;
  int64_t sum = 0;
  for (auto _ : state) {
    const SendDecision d = net.decide_send(TimePoint(t), kServers + (i++ % 1000), 0);
    sum += d.copies;
    t += 1000;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NetworkDecideSendLossy);

// Send -> deliver round trips with `range(0)` messages in flight.
void BM_NetworkSendDeliver(benchmark::State& state) {
  struct Msg {
    NodeId from, to;
    uint64_t id;
  };
  Network net = make_network(0.0);
  EventQueue<Msg> q;
  const auto in_flight = static_cast<uint32_t>(state.range(0));
  uint64_t next_id = 0;
  auto send = [&](TimePoint now, NodeId from, NodeId to) {
    const SendDecision d = net.decide_send(now, from, to);
    for (uint8_t c = 0; c < d.copies; ++c) q.schedule(d.deliver_at[c], Msg{from, to, next_id++});
  };
  for (uint32_t i = 0; i < in_flight; ++i) send(TimePoint(0), kServers + i % 1000, 0);
  TimePoint at;
  Msg m{};
  uint64_t delivered = 0;
  for (auto _ : state) {
    q.pop(&at, &m);
    if (net.link_open(m.from, m.to)) ++delivered;
    send(at, m.to, m.from);  // the answer
  }
  benchmark::DoNotOptimize(delivered);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NetworkSendDeliver)->Arg(100)->Arg(10000);

}  // namespace
}  // namespace leasesim
