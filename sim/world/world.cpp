#include "leasesim/world/world.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/distributions.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/world/run_header.hpp"
#include "leasesim/world/trace_hash.hpp"
#include "world_impl.hpp"

namespace leasesim {

const char* to_string(EndReason r) {
  switch (r) {
    case EndReason::kCompleted:
      return "completed";
    case EndReason::kQuiescent:
      return "quiescent";
    case EndReason::kViolation:
      return "stopped at first violation";
    case EndReason::kEventBudget:
      return "event budget exhausted";
    case EndReason::kWallTimeout:
      return "wall-clock timeout";
    case EndReason::kPendingLimit:
      return "too many events pending";
    case EndReason::kCancelled:
      return "cancelled";
  }
  return "?";
}

TraceSchema make_trace_schema(const Scenario& sc) {
  TraceSchema schema;
  const ProtocolModule& p = sc.module();
  for (const KindDesc& d : world_rec::kinds(p.message_names())) schema.add(d);
  for (const KindDesc& d : observation_kinds()) schema.add(d);
  for (const KindDesc& d : p.record_kinds()) schema.add(d);
  schema.names(name_table::kNodes) = sc.node_names();
  schema.names(name_table::kResources) = sc.resources;
  add_header_strings(sc, &schema);
  return schema;
}

namespace {

std::vector<NodeClock> make_clocks(const Scenario& sc) {
  std::vector<NodeClock> clocks;
  clocks.reserve(sc.node_count());
  for (uint32_t i = 0; i < sc.node_count(); ++i) {
    const ClockSpec spec = i < sc.clocks.size() ? sc.clocks[i] : ClockSpec{};
    clocks.emplace_back(spec.offset, spec.drift_ppb);
  }
  return clocks;
}

// The protocol's type for a Raft AppendEntries, by its name, for the
// election-time end point (load_stats.hpp); -1 if it has none.
int append_entries_type(const ProtocolModule& p) {
  const auto names = p.message_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (std::string_view(names[i]) == "append_entries") return static_cast<int>(i);
  return -1;
}

NetworkConfig network_config(const Scenario& sc) {
  NetworkConfig c = sc.network;
  c.node_count = sc.node_count();
  return c;
}

}  // namespace

World::Impl::Impl(const Scenario& scenario, const RunOptions& options)
    : sc(scenario),
      opts(options),
      protocol(&scenario.module()),
      schema(make_trace_schema(scenario)),
      net(network_config(scenario), Rng::for_stream(scenario.seed, "net")),
      clocks(make_clocks(scenario)),
      observers(CheckSetup{static_cast<uint32_t>(scenario.resources.size()), clocks, &schema, 12}),
      load(scenario.node_count(), static_cast<uint32_t>(scenario.servers.size()),
           scenario.module().message_names().size(), append_entries_type(scenario.module())) {
  LEASESIM_ASSERT(scenario.protocol_config != nullptr, "scenario without a protocol config");
  factory = protocol->node_factory(*scenario.protocol_config);
  build_nodes();
}

void World::Impl::build_nodes() {
  const std::vector<std::string> names = sc.node_names();
  hosts.resize(sc.node_count());
  hot.resize(sc.node_count());
  prefetch_next = sc.node_count() >= kPrefetchNodes;
  sched.queue().set_lookahead(sc.node_count() >= kLookaheadNodes);
  sched.queue().set_drain(World::event_queue_for(sc, opts));
  if (sched.queue().drain() == Drain::kSortedRuns)
    sched.queue().set_staging(
        sc.node_count() >= World::kStagingNodes ? EventQueue<Event>::kStageBuckets : 0);
  node_addr.assign(sc.node_count(), nullptr);
  for (NodeId id = 0; id < hot.size(); ++id) hot[id].clock.refresh(clocks[id], sched.now());
  for (NodeId id = 0; id < hosts.size(); ++id) {
    Host& h = hosts[id];
    h.name = names[id];
    h.disk = protocol->make_disk(*sc.protocol_config, id);
  }
  setup_timing();
}

std::unique_ptr<Node> World::Impl::make_node(NodeId id) {
  Host& h = hosts[id];
  // Each incarnation draws from its own stream, so a restart does not
  // replay the randomness of the previous life.
  std::string stream = "node/";
  stream += h.name;
  if (hot[id].incarnation) {
    stream += '/';
    stream += std::to_string(hot[id].incarnation);
  }
  return factory->make_node(id, h.disk.get(), Rng::for_stream(sc.seed, stream));
}

void World::Impl::schedule_faults() {
  // Ranges are drawn per seed, from their own stream (so a script without
  // ranges draws nothing and one with ranges disturbs no other stream).
  faults = sc.faults;
  Rng rng = Rng::for_stream(sc.seed, "faults");
  for (Fault& f : faults) {
    if (f.at_max)
      f.at = TimePoint::origin() +
             uniform_duration(rng, f.at - TimePoint::origin(), *f.at_max - TimePoint::origin());
    if (f.duration_max) f.duration = uniform_duration(rng, f.duration, *f.duration_max);
  }
  for (uint32_t i = 0; i < faults.size(); ++i) {
    Event ev;
    ev.type = Event::kFault;
    ev.ref = i;
    sched.schedule_at(faults[i].at, ev);
  }
}

Record World::Impl::stamp(Record r, NodeId node) const {
  r.time = sched.now();
  r.node = node;
  r.local = node < clocks.size() ? clocks[node].wall(sched.now()) : TimePoint::origin();
  return r;
}

void World::Impl::emit(const Record& r) {
  hasher.add(r);
  observers.observe(r);
  if (r.kind == obs::kRole) load.role(r.node, decode_as<obs::RoleChanged>(r), r.time);
  if (opts.trace) opts.trace->write(r);
}

void World::Impl::report_new_violations() {
  // Segments of beliefs the checker finalised, with the true-time interval
  // it judged, so plots draw what the checker judged (docs/trace-format.md).
  for (const ClosedBelief& b : observers.safety().closed()) {
    emit_world(record(
        world_rec::BeliefInterval{b.resource, b.lease, b.holder, b.token, b.from, b.to}, kNoNode));
  }
  observers.safety().clear_closed();
  // Violations once settled (interval and parties' beliefs final), each
  // with its detail record: what the summary is made of.
  const auto& vs = observers.safety().violations();
  for (const size_t i : observers.safety().settled()) {
    const Violation& v = vs[i];
    emit_world(record(world_rec::ViolationFound{static_cast<uint8_t>(v.kind), v.resource, v.first,
                                                v.second, v.from, v.to},
                      kNoNode));
    emit_world(record(
        world_rec::ViolationDetail{i, v.first_lease, v.second == kInvalidNode ? 0 : v.second_lease,
                                   v.token, v.first_at_end, v.second_at_end},
        kNoNode));
  }
  observers.safety().clear_settled();
  checker_news_seen = observers.safety().news();
}

uint32_t World::Impl::alloc_message() {
  if (!pool_free.empty()) {
    const uint32_t slot = pool_free.back();
    pool_free.pop_back();
    return slot;
  }
  pool.emplace_back();
  return static_cast<uint32_t>(pool.size() - 1);
}

void World::Impl::free_message(uint32_t slot) {
  pool_free.push_back(slot);
}

void World::Impl::send(NodeId from, TimePoint local, Message& m) {
  send_inline(from, local, m);
}

[[gnu::always_inline]] inline void World::Impl::send_inline(NodeId from, TimePoint local,
                                                            Message& m) {
  const uint64_t id = next_msg_id++;
  ++stats.sent;
  load.sent(from, static_cast<uint16_t>(m.type));
  hash_send(hasher, sched.now(), from, m.to, static_cast<uint16_t>(m.type), m.resource);
  if (opts.trace) [[unlikely]]
    opts.trace->write(record_at(
        world_rec::Send{m.to, static_cast<uint16_t>(m.type), id, m.resource}, from, local));
  LEASESIM_ASSERT(m.to < hosts.size(), "message to an unknown node");
  const SendDecision d = net.decide_send(sched.now(), from, m.to);
  if (d.drop != DropReason::kNone) {
    if (d.drop == DropReason::kPartitioned)
      ++stats.dropped_partition;
    else
      ++stats.dropped_loss;
    emit_world(record_at(
        world_rec::Drop{m.to, static_cast<uint16_t>(m.type), id, static_cast<uint8_t>(d.drop)},
        from, local));
    return;
  }
  if (d.copies > 1) ++stats.duplicated;
  for (uint8_t c = 0; c < d.copies; ++c) {
    const uint32_t slot = alloc_message();
    Message& stored = pool[slot];
    if (c + 1 == d.copies)
      stored.take(m);  // keeps both vectors' capacity
    else
      stored = m;
    Event ev;
    ev.type = Event::kDeliver;
    ev.node = stored.to;
    // Read only where handle() prefetches: with few nodes it is a line
    // the event would not otherwise touch.
    ev.object = prefetch_next ? node_addr[stored.to] : nullptr;
    ev.ref = slot;
    ev.timer_arg = id;  // the message id, for the deliver/drop records
    sched.schedule_at(d.deliver_at[c], ev);
  }
}

void World::Impl::run_step(NodeId id, TimePoint local) {
  // Records first (they describe the step), then timers, then messages.
  for (Record& r : effects.records()) {
    r.time = sched.now();
    r.local = local;
    r.node = id;
    emit(r);
  }
  if (!effects.cancels().empty()) {
    Host& h = hosts[id];
    for (const uint32_t kind : effects.cancels()) {
      sched.cancel(h.single[kind]);
      h.single[kind] = {};
    }
  }
  if (!effects.timers().empty()) {
    // The node's hot line was read for this step, so both come from cache;
    // node_addr[id] holds the same address but is a line of its own.
    const uint32_t incarnation = hot[id].incarnation;
    const char* const object = reinterpret_cast<const char*>(hot[id].node);
    for (const TimerRequest& t : effects.timers()) {
      Event ev;
      ev.type = Event::kTimer;
      ev.clock = t.clock;
      ev.node = id;
      ev.incarnation = incarnation;
      ev.ref = t.kind;
      ev.timer_arg = t.arg;
      ev.deadline = t.deadline;
      ev.single = t.single;
      ev.object = object;
      TimePoint due = timer_due(id, t.clock, t.deadline);
      if (!timers.empty() && timers[id].spec->timer_jitter)
        due = later_or_never(due, timers[id].spec->timer_jitter->sample(timers[id].jitter));
      if (!t.single) {
        sched.schedule_at(due, ev);
        continue;
      }
      // The kind's pending timer, if any, is replaced: the new one scheduled,
      // then the old one cancelled, or both in one where the queue can.
      Scheduler<Event>::Handle& slot = hosts[id].single[t.kind];
      if (sched.replace_in_place(slot, due, ev)) continue;
      const auto handle = sched.schedule_at(due, ev);
      sched.cancel(slot);
      slot = handle;
    }
  }
  if (timers.empty()) {
    for (size_t i = 0; i < effects.message_count(); ++i) send_inline(id, local, effects.message(i));
  } else {
    send_step_messages(id, local);
  }
}

void World::Impl::start_node(NodeId id) {
  Host& h = hosts[id];
  h.node = make_node(id);
  hot[id].node = h.node.get();
  node_addr[id] = reinterpret_cast<const char*>(h.node.get());
  effects.clear();
  if (!timers.empty()) effects.set_async_disk(timers[id].spec->fsync.has_value());
  const LocalClocks now = read_clock(id);
  h.node->start(now, effects);
  run_step(id, now.wall);
}

[[gnu::always_inline]] inline void World::Impl::deliver(const Event& ev) {
  NodeHot& h = hot[ev.node];
  Message& m = pool[ev.ref];
  const uint64_t id = ev.timer_arg;
  DropReason drop = DropReason::kNone;
  if (!h.node || (ev.served && ev.incarnation != h.incarnation))
    drop = DropReason::kCrashed;  // (a served message waited in a process that crashed)
  else if (!ev.served && !net.link_open(m.from, m.to))
    drop = DropReason::kPartitioned;
  if (drop != DropReason::kNone) {
    if (drop == DropReason::kCrashed)
      ++stats.dropped_crashed;
    else
      ++stats.dropped_partition;
    emit_world(
        record(world_rec::Drop{m.to, static_cast<uint16_t>(m.type), id, static_cast<uint8_t>(drop)},
               m.from));
    free_message(ev.ref);
    return;
  }
  if (h.paused) {
    // It arrived; the process will read it when it runs again.
    hosts[ev.node].deferred.push_back({ev, sched.now()});
    return;
  }
  if (has_processing && enqueue(ev)) return;
  ++stats.delivered;
  const LocalClocks now = read_clock(ev.node);
  hash_deliver(hasher, sched.now(), id);
  if (opts.trace) [[unlikely]]
    opts.trace->write(
        record_at(world_rec::Deliver{m.from, static_cast<uint16_t>(m.type), id, m.resource},
                  ev.node, now.wall));
  load.handled(ev.node, m.from, static_cast<uint16_t>(m.type), sched.now());
  effects.clear();
  if (!timers.empty()) effects.set_async_disk(timers[ev.node].spec->fsync.has_value());
  h.node->on_message(m, now, effects);
  free_message(ev.ref);
  run_step(ev.node, now.wall);
}

[[gnu::always_inline]] inline void World::Impl::fire_timer(const Event& ev) {
  NodeHot& h = hot[ev.node];
  if (!h.node || ev.incarnation != h.incarnation) return;  // the process that set it is gone
  // A single timer that pops was its process's pending one of its kind (a
  // replace or cancel would have cancelled it): its handle is spent.
  if (ev.single) hosts[ev.node].single[ev.timer_kind()] = {};
  if (h.paused) {
    hosts[ev.node].deferred.push_back({ev, sched.now()});
    hosts[ev.node].deferred.back().event.single = false;  // a copy: see Event::single
    return;
  }
  if (has_processing && enqueue(ev)) return;
  const LocalClocks now = read_clock(ev.node);
  hash_timer(hasher, sched.now(), ev.node, ev.timer_kind(), ev.timer_arg);
  if (opts.trace) [[unlikely]]
    opts.trace->write(
        record_at(world_rec::Timer{ev.timer_kind(), ev.timer_arg}, ev.node, now.wall));
  effects.clear();
  if (!timers.empty()) effects.set_async_disk(timers[ev.node].spec->fsync.has_value());
  h.node->on_timer(TimerFire{ev.timer_kind(), ev.timer_arg}, now, effects);
  run_step(ev.node, now.wall);
}

void World::Impl::handle(const Event& ev) {
  // Start fetching what the next event will most likely touch, so that it
  // arrives while this one is handled: at C = 10,000 requestors and more,
  // the first touch of a node's state is a cache miss (docs/performance.md).
  // With few nodes their state stays cached and the hint is pure cost.
  if (const Event* next = prefetch_next ? sched.queue().next_hint() : nullptr;
      next != nullptr && next->node < hot.size()) {
    // The object's address travels in the event (the queue's look-ahead
    // fetched the event's slot one pop ago): no stall before the prefetches.
    const char* obj = next->object;
    __builtin_prefetch(&hot[next->node]);
    if (obj != nullptr) {
      // The node object's first lines: a requestor's hot fields.
      for (int line = 0; line < kPrefetchNodeLines; ++line) __builtin_prefetch(obj + 64 * line);
    }
    __builtin_prefetch(&hosts[next->node].single);
    load.prefetch(next->node);
    observers.prefetch(next->node);
    if (next->type == Event::kDeliver && next->ref < pool.size())
      __builtin_prefetch(&pool[next->ref]);
  }
  switch (ev.type) {
    case Event::kDeliver:
      deliver(ev);
      break;
    case Event::kTimer:
    case Event::kDurable:
      fire_timer(ev);
      break;
    case Event::kFault:
      ++fault_stats.fired;
      apply_fault(faults[ev.ref], ev.ref);
      break;
    case Event::kStart:
      if (!hot[ev.node].node && hot[ev.node].incarnation == 0) start_node(ev.node);
      break;
    case Event::kRelease:
      release(ev);
      break;
    case Event::kRestart:
      if (!hot[ev.node].node && hot[ev.node].incarnation == ev.incarnation) restart(ev.node);
      break;
    case Event::kResume:
      resume(ev.node, ev.ref);
      break;
    case Event::kWindowEnd:
      if (ev.ref == window_gen) {
        net.clear_window();
        emit(record(world_rec::NetWindowEnd{}, kNoNode));
      }
      break;
  }
  if (observers.safety().news() != checker_news_seen) {
    report_new_violations();
    if (opts.stop_on_first_violation && observers.safety().failure_count() > 0)
      sched.request_stop();
  }
}

RunResult World::Impl::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  const TimePoint until = opts.until ? std::min(*opts.until, TimePoint::origin() + sc.duration)
                                     : TimePoint::origin() + sc.duration;
  schedule_faults();
  // What ran, first (world/run_header.hpp).
  for (const Record& h : header_records(sc)) emit_world(stamp(h, kNoNode));
  // Every clock's starting state, so a reader of the trace alone can
  // rebuild each node's clocks exactly (scripts/audit_trace.py does): the
  // later drift and clock_step records say how they change.
  for (NodeId id = 0; id < hosts.size(); ++id) {
    emit_world(record(
        world_rec::ClockInit{clocks[id].wall_offset(sched.now()), clocks[id].drift_ppb()}, id));
  }
  for (NodeId id = 0; id < hosts.size(); ++id) {
    // A node with a start offset starts at its drawn time (world_timing.cpp).
    if (!timers.empty() && timers[id].start_offset > Duration::zero()) {
      Event ev;
      ev.type = Event::kStart;
      ev.node = id;
      sched.schedule_at(TimePoint::origin() + timers[id].start_offset, ev);
      continue;
    }
    start_node(id);
  }
  if (observers.safety().news() != checker_news_seen) report_new_violations();

  RunResult res;
  res.reason = EndReason::kCompleted;
  auto handler = [this](const Event& ev) { handle(ev); };
  const bool sorted_runs = sched.queue().drain() == Drain::kSortedRuns;
  // Run in chunks so a wall-clock limit and the pending events can be
  // checked without looking on every event. Shorter chunks once past half
  // the pending limit, so that one chunk cannot carry the queue from below
  // the limit past what it can hold (a chunk of 256 events would have to
  // schedule some 7,000 events per event to do that: an event schedules a
  // few per node it reaches; the fan-outs to every election at once are
  // bounded by the loader, kv-lease's elections at 1,000,000).
  static_assert(kMaxPendingEvents < EventQueue<Event>::kMaxHeld - (size_t{1} << 20));
  LEASESIM_ASSERT(opts.max_pending <= kMaxPendingEvents, "max_pending above the queue's room");
  // The start alone may schedule a great many (every node's first timers):
  // looked at before the first event too.
  const bool overfull_at_start = sched.queue().held() > opts.max_pending;
  if (overfull_at_start) res.reason = EndReason::kPendingLimit;
  while (!overfull_at_start) {
    const uint64_t chunk = sched.queue().held() < opts.max_pending / 2 ? 1 << 16 : 1 << 8;
    const uint64_t budget = std::min(opts.max_events, sched.events_handled() + chunk);
    const StopReason why = sorted_runs ? run_sorted_runs(until, budget)
                                       : sched.run_until_as<Drain::kHeap>(until, handler, budget);
    if (why == StopReason::kReachedTime) break;
    if (why == StopReason::kQuiescent) {
      res.reason = EndReason::kQuiescent;
      break;
    }
    if (why == StopReason::kRequested) {
      res.reason = EndReason::kViolation;
      break;
    }
    if (sched.events_handled() >= opts.max_events) {
      res.reason = EndReason::kEventBudget;
      break;
    }
    if (sched.queue().held() > opts.max_pending) {
      res.reason = EndReason::kPendingLimit;
      break;
    }
    if (opts.cancel != nullptr && opts.cancel->load()) {
      res.reason = EndReason::kCancelled;
      break;
    }
    if (opts.max_wall_seconds > 0) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      if (elapsed >= opts.max_wall_seconds) {
        res.reason = EndReason::kWallTimeout;
        break;
      }
    }
  }
  const TimePoint end = res.reason == EndReason::kCompleted ? until : sched.now();
  // A budget, a wall-clock limit or a stop at the first violation can cut
  // the run inside an instant; reaching the end or running out of events
  // cannot.
  observers.finish(end, res.reason == EndReason::kCompleted || res.reason == EndReason::kQuiescent);
  report_new_violations();
  if (opts.trace) {
    // The trace's last line: where and why the run ended, which its last
    // record does not show (a run that reaches its end is often quiet
    // before it). Outside the hash (trace_hash.hpp): the report has it.
    static_assert(std::size(world_rec::kEndReasonNames) ==
                  static_cast<size_t>(EndReason::kCancelled) + 1);
    Record r =
        encode_record(world_rec::RunEnd{static_cast<uint64_t>(res.reason), sched.events_handled()});
    r.time = end;
    r.local = TimePoint::origin();
    r.node = kNoNode;
    opts.trace->write(r);
  }

  res.scenario = sc.name;
  res.seed = sc.seed;
  res.end = end;
  res.events = sched.events_handled();
  res.records = hasher.count() + 1;  // and the trace's run_end line, outside the hash
  res.trace_hash = hasher.value();
  res.violations = observers.safety().violations();
  res.failures = observers.safety().failure_count();
  res.metrics = observers.metrics();
  res.net = stats;
  res.faults = fault_stats;
  res.load = load.finish(end);
  res.load.timing_model = !timers.empty();
  for (const char* n : protocol->message_names()) res.load.type_names.emplace_back(n);
  res.faults.scheduled = sc.faults.size();
  res.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return res;
}

World::World(const Scenario& scenario, const RunOptions& options)
    : impl_(std::make_unique<Impl>(scenario, options)) {}
World::~World() = default;
RunResult World::run() {
  return impl_->run();
}
const TraceSchema& World::schema() const {
  return impl_->schema;
}
Drain World::event_queue_for(const Scenario& scenario, const RunOptions& options) {
  if (options.event_queue) return *options.event_queue;
  return scenario.node_count() >= kSortedRunsNodes ? Drain::kSortedRuns : Drain::kHeap;
}

}  // namespace leasesim
