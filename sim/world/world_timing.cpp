// The timing model (scenario/timing.hpp, docs/scenario-format.md `timing`):
// a node serves one input at a time, timers fire late, durable writes take
// time (optionally batched) and hold the messages that vouch for them, and
// nodes start at their offsets. Without a `timing` block none of this runs
// and a run is exactly what it was before the model existed.
#include <algorithm>
#include <string>

#include "world_impl.hpp"

namespace leasesim {
namespace {

// The latest time the timing model's queues reach. A draw is clamped at
// 2^62 ns (core/distributions.cpp), and a queue adds each draw to the end
// of the one before, so the sum stops here instead of passing int64's
// range: far past any run's end (the scenario limit is 720 h), so what
// waits behind it never happens.
constexpr TimePoint kHorizon = TimePoint(int64_t{1} << 62);

TimePoint after(TimePoint from, Duration d) {
  return d >= kHorizon - from ? kHorizon : from + d;
}

}  // namespace

void World::Impl::setup_timing() {
  if (!sc.timing.any()) return;
  LEASESIM_ASSERT(sc.timing.nodes.size() == hosts.size(), "timing spec per node");
  timers.resize(hosts.size());
  for (NodeId id = 0; id < hosts.size(); ++id) {
    NodeTimer& t = timers[id];
    t.spec = &sc.timing.nodes[id];
    // One stream per node and concern, so turning on jitter does not move
    // the processing draws, and no other component's draws move at all.
    const std::string base = "timing/" + hosts[id].name + "/";
    t.processing = Rng::for_stream(sc.seed, base + "processing");
    t.jitter = Rng::for_stream(sc.seed, base + "jitter");
    t.disk = Rng::for_stream(sc.seed, base + "disk");
    if (t.spec->start) {
      Rng start = Rng::for_stream(sc.seed, base + "start");
      t.start_offset = t.spec->start->sample(start);
    }
    if (t.spec->processing) has_processing = true;
  }
}

bool World::Impl::enqueue(const Event& ev) {
  if (ev.served) return false;
  NodeTimer& t = timers[ev.node];
  if (!t.spec->processing) return false;
  const TimePoint now = sched.now();
  const TimePoint begin = std::max(now, t.busy_until);
  t.busy_until = after(begin, t.spec->processing->sample(t.processing));
  load.queued(ev.node, begin - now);
  Event served = ev;
  served.served = true;
  served.single = false;  // a copy: see Event::single
  served.incarnation = hot[ev.node].incarnation;
  sched.schedule_at(t.busy_until, served);
  return true;
}

TimePoint World::Impl::disk_write(NodeId id) {
  NodeTimer& t = timers[id];
  const TimePoint now = sched.now();
  if (t.spec->group_commit) {
    // Join the batch that has not started yet, if there is one; else start
    // a batch when the disk is free.
    if (t.batch_start > now) return t.batch_done;
    t.batch_start = std::max(now, t.batch_done);
  } else {
    t.batch_start = std::max(now, t.batch_done);
  }
  t.batch_done = after(t.batch_start, t.spec->fsync->sample(t.disk));
  return t.batch_done;
}

void World::Impl::send_step_messages(NodeId id, TimePoint local) {
  NodeTimer& t = timers[id];
  TimePoint hold_until = TimePoint::min();
  if (!effects.persists().empty() && t.spec->fsync) {
    // A step's writes are one write: durable together.
    const TimePoint done = disk_write(id);
    for (const PersistRequest& p : effects.persists()) {
      // Without send_while_writing the node's own sends wait for its write
      // even where the node would overlap them (a synchronous writer).
      if (p.hold || !t.spec->send_while_writing) hold_until = std::max(hold_until, done);
      if (p.notify_kind != 0) {
        Event ev;
        ev.type = Event::kDurable;
        ev.node = id;
        ev.incarnation = hot[id].incarnation;
        ev.ref = p.notify_kind;
        ev.timer_arg = p.notify_arg;
        sched.schedule_at(done, ev);
      }
    }
  }
  const TimePoint now = sched.now();
  // A node's messages leave in order: behind held ones, later ones wait too.
  const TimePoint leave = std::max(hold_until, t.outbox_until);
  if (leave <= now) {
    for (size_t i = 0; i < effects.message_count(); ++i) send(id, local, effects.message(i));
    return;
  }
  t.outbox_until = leave;
  for (size_t i = 0; i < effects.message_count(); ++i) {
    const uint32_t slot = alloc_message();
    pool[slot].take(effects.message(i));
    Event ev;
    ev.type = Event::kRelease;
    ev.node = id;
    ev.incarnation = hot[id].incarnation;
    ev.ref = slot;
    sched.schedule_at(leave, ev);
  }
}

void World::Impl::release(const Event& ev) {
  // Lost with the process if it crashed before its write was durable.
  if (hot[ev.node].incarnation != ev.incarnation || hot[ev.node].node == nullptr) {
    free_message(ev.ref);
    return;
  }
  if (hot[ev.node].paused) {
    // The process sends it once its write returns, and the process is
    // paused: it leaves at the resume, ahead of what the process does then.
    hosts[ev.node].deferred.push_back({ev, sched.now()});
    return;
  }
  // Out of the pool first: send() allocates slots, which may move it.
  Message m;
  m.take(pool[ev.ref]);
  free_message(ev.ref);
  send(ev.node, read_clock(ev.node).wall, m);
}

}  // namespace leasesim
