// Applying scripted faults: node faults, partitions, clock changes and
// network windows.
#include <algorithm>

#include "leasesim/core/assert.hpp"
#include "world_impl.hpp"

namespace leasesim {

void World::Impl::skip(uint32_t index, world_rec::SkipReason why, NodeId node) {
  ++fault_stats.skipped[static_cast<size_t>(why)];
  const Record r = record(world_rec::FaultSkipped{index, why}, node);
  emit(r);
  observers.note(r);
}

NodeId World::Impl::resolve(const FaultTarget& t, uint32_t index) {
  switch (t.kind) {
    case FaultTarget::Kind::kNode:
      return t.node;
    case FaultTarget::Kind::kLeader: {
      const NodeId leader = observers.roles().leader();
      if (leader == kInvalidNode || !hosts[leader].node) {
        skip(index, world_rec::SkipReason::kNoLeader, kNoNode);
        return kInvalidNode;
      }
      return leader;
    }
    case FaultTarget::Kind::kHolderOf: {
      const NodeId holder = observers.roles().holder(t.resource);
      if (holder == kInvalidNode) skip(index, world_rec::SkipReason::kNoHolder, kNoNode);
      return holder;
    }
  }
  return kInvalidNode;
}

void World::Impl::crash(NodeId id) {
  Host& h = hosts[id];
  // Messages that had reached the paused process are lost with it, and so
  // are those it had yet to send (held by a write: unsent, as in release()).
  for (const Host::Deferred& d : h.deferred) {
    const Event& ev = d.event;
    if (ev.type == Event::kRelease) {
      free_message(ev.ref);
      continue;
    }
    if (ev.type != Event::kDeliver) continue;
    ++stats.dropped_crashed;
    const Record r =
        record(world_rec::Drop{id, static_cast<uint16_t>(pool[ev.ref].type), ev.timer_arg,
                               static_cast<uint8_t>(DropReason::kCrashed)},
               pool[ev.ref].from);
    emit(r);
    free_message(ev.ref);
  }
  h.deferred.clear();
  h.node.reset();
  hot[id].node = nullptr;
  node_addr[id] = nullptr;
  hot[id].paused = false;
  ++hot[id].incarnation;  // its pending timers die with it
  load.crash(id, sched.now());
  if (!timers.empty()) {
    // Its queue and held messages die with it; the disk is idle on restart.
    NodeTimer& t = timers[id];
    t.busy_until = t.outbox_until = t.batch_start = t.batch_done = sched.now();
  }
  const Record r = record(world_rec::Crash{}, id);
  emit(r);
  observers.note(r);
  observers.on_crash(id, sched.now());
}

void World::Impl::restart(NodeId id) {
  const Record r = record(world_rec::Restart{}, id);
  emit(r);
  observers.note(r);
  start_node(id);
}

void World::Impl::pause(NodeId id, Duration d) {
  Host& h = hosts[id];
  if (!hot[id].paused && !timers.empty()) timers[id].paused_since = sched.now();
  hot[id].paused = true;
  const uint32_t gen = ++h.pause_gen;
  const Record r = record(world_rec::Pause{d}, id);
  emit(r);
  observers.note(r);
  Event ev;
  ev.type = Event::kResume;
  ev.node = id;
  ev.ref = gen;
  sched.schedule_after(d, ev);
}

void World::Impl::resume(NodeId id, uint32_t gen) {
  Host& h = hosts[id];
  if (!hot[id].paused || h.pause_gen != gen) return;  // crashed meanwhile, or paused again
  hot[id].paused = false;
  const Record r = record(world_rec::Resume{}, id);
  emit(r);
  observers.note(r);
  const TimePoint now = sched.now();
  // The processor stopped with the process: what it was serving, or had
  // queued, when the pause began finishes as much later as the pause
  // lasted (an input that fell due at t runs at t + paused). Not yet
  // finished: retimed in the queue; finished during the pause: deferred,
  // with when. Everything else that fell due (messages that arrived, timers
  // that fired) starts now, in the order it fell due: with a processing
  // model, it queues behind the backlog.
  Duration paused = Duration::zero();  // the processor's, if the node has one
  if (!timers.empty() && timers[id].spec->processing) {
    NodeTimer& t = timers[id];
    paused = now - t.paused_since;
    if (t.busy_until >= now) {
      const uint32_t incarnation = hot[id].incarnation;
      sched.queue().retime([&](TimePoint at, const Event& ev) {
        return ev.served && ev.node == id && ev.incarnation == incarnation ? at + paused : at;
      });
    }
    if (t.busy_until > t.paused_since) t.busy_until = t.busy_until + paused;
  }
  std::vector<Host::Deferred> due;
  due.swap(h.deferred);
  // Messages whose writes became durable during the pause leave first: a
  // node's later messages never overtake held ones.
  for (const Host::Deferred& d : due)
    if (d.event.type == Event::kRelease) release(d.event);
  for (const Host::Deferred& d : due)
    if (d.event.type != Event::kRelease)
      sched.schedule_at(d.event.served ? later_or_never(d.due, paused) : now, d.event);
}

void World::Impl::clock_changed(NodeId id, const NodeClock& before) {
  const TimePoint now = sched.now();
  hot[id].clock.refresh(clocks[id], now);
  const NodeClock& after = clocks[id];
  sched.queue().retime([&](TimePoint at, const Event& ev) {
    // Only the node's timers that wait for their deadline run on its clock.
    // A served copy (the timer fired; the processor is serving it) and a
    // write's durable notice (Event::kDurable) are in true time.
    if (ev.type != Event::kTimer || ev.node != id || ev.served) return at;
    // The timer keeps its jitter: it fires as late after its deadline, in
    // true time, as it would have. (at >= the old target: the jitter is
    // never negative, and a deadline already passed targets now.)
    const TimePoint target = before.true_time_when(ev.clock, ev.deadline, now);
    // A timer for "never" (TimePoint::max()) stays never, with no jitter.
    const Duration late = target == TimePoint::max() ? Duration::zero() : at - target;
    LEASESIM_ASSERT(late >= Duration::zero(), "a pending timer is due before its deadline");
    return later_or_never(after.true_time_when(ev.clock, ev.deadline, now), late);
  });
  observers.on_clock_change(id, now);
}

void World::Impl::apply_fault(const Fault& f, uint32_t index) {
  using world_rec::SkipReason;
  switch (f.kind) {
    case FaultKind::kCrash: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      if (!hosts[id].node) {
        skip(index, SkipReason::kAlreadyCrashed, id);
        return;
      }
      crash(id);
      if (f.duration > Duration::zero()) {
        Event ev;
        ev.type = Event::kRestart;
        ev.node = id;
        ev.incarnation = hot[id].incarnation;
        sched.schedule_after(f.duration, ev);
      }
      return;
    }
    case FaultKind::kRestart: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      if (hosts[id].node) {
        skip(index, SkipReason::kNotCrashed, id);
        return;
      }
      restart(id);
      return;
    }
    case FaultKind::kPause: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      if (!hosts[id].node) {
        skip(index, SkipReason::kAlreadyCrashed, id);
        return;
      }
      pause(id, f.duration);
      return;
    }
    case FaultKind::kPartition: {
      std::vector<std::vector<NodeId>> groups;
      for (const auto& g : f.groups) {
        groups.emplace_back();
        for (const FaultTarget& t : g) {
          const NodeId id = resolve(t, index);
          if (id == kInvalidNode) return;
          // A role may resolve to a node named in another group too: the
          // first mention wins.
          bool seen = false;
          for (const auto& other : groups)
            seen = seen || std::find(other.begin(), other.end(), id) != other.end();
          if (!seen) groups.back().push_back(id);
        }
        if (groups.back().empty()) {
          // Every member of this group resolved onto a node of an earlier
          // one ("leader" and the node that leads): the split would have
          // fewer sides than the script says, which is another fault.
          skip(index, SkipReason::kEmptyGroup, kNoNode);
          return;
        }
      }
      net.split(groups);
      const Record r = record(world_rec::Partition{groups.size()}, kNoNode);
      emit(r);
      observers.note(r);
      for (size_t g = 0; g < groups.size(); ++g) {
        for (NodeId id : groups[g]) {
          emit(record(world_rec::GroupMember{g, id}, id));
        }
      }
      return;
    }
    case FaultKind::kCut: {
      const NodeId from = resolve(f.from, index);
      if (from == kInvalidNode) return;
      const NodeId to = resolve(f.to, index);
      if (to == kInvalidNode) return;
      if (from == to) {
        // A role resolved onto the other end (n3 -> "leader" while n3
        // leads): a node's link to itself is no link; nothing to cut.
        skip(index, SkipReason::kSelfLink, from);
        return;
      }
      net.cut(from, to);
      const Record r = record(world_rec::Cut{from, to}, from);
      emit(r);
      observers.note(r);
      return;
    }
    case FaultKind::kIsolate: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      net.isolate(id);
      const Record r = record(world_rec::Isolate{}, id);
      emit(r);
      observers.note(r);
      return;
    }
    case FaultKind::kHeal: {
      net.heal();
      const Record r = record(world_rec::Heal{}, kNoNode);
      emit(r);
      observers.note(r);
      return;
    }
    case FaultKind::kClockStep: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      const NodeClock before = clocks[id];
      clocks[id].step_wall(f.step);
      const Record r =
          record(world_rec::ClockStep{f.step, clocks[id].wall_offset(sched.now())}, id);
      emit(r);
      observers.note(r);
      clock_changed(id, before);
      return;
    }
    case FaultKind::kDrift: {
      const NodeId id = resolve(f.target, index);
      if (id == kInvalidNode) return;
      const NodeClock before = clocks[id];
      clocks[id].set_drift(sched.now(), f.drift_ppb);
      const Record r =
          record(world_rec::Drift{f.drift_ppb, clocks[id].wall_offset(sched.now())}, id);
      emit(r);
      observers.note(r);
      clock_changed(id, before);
      return;
    }
    case FaultKind::kNetwork: {
      net.set_window(f.loss, f.duplicate, f.latency ? &*f.latency : nullptr);
      const uint32_t gen = ++window_gen;
      const Record r =
          record(world_rec::NetWindow{static_cast<uint64_t>(f.loss * 1e6 + 0.5),
                                      static_cast<uint64_t>(f.duplicate * 1e6 + 0.5), f.duration},
                 kNoNode);
      emit(r);
      observers.note(r);
      Event ev;
      ev.type = Event::kWindowEnd;
      ev.ref = gen;
      sched.schedule_after(f.duration, ev);
      return;
    }
    case FaultKind::kCount:
      break;
  }
  LEASESIM_UNREACHABLE("bad fault kind");
}

}  // namespace leasesim
