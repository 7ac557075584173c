// The single-threaded event loop: an EventQueue plus the current time and
// the ways a run can end.
//
// A run ends at the first of: the next event lies beyond `until` (the clock
// then advances to `until`), no events remain (quiescence), the handler
// asked to stop (e.g. on the first violation), or the event budget ran out.
// Time never goes backward: scheduling before now() is a programmer error.
#pragma once

#include <cstdint>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/event_queue.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

enum class StopReason : uint8_t {
  kReachedTime,  // the next event is after `until`
  kQuiescent,    // nothing left to do
  kRequested,    // a handler called request_stop()
  kEventBudget,  // max_events handled
};

const char* to_string(StopReason r);

template <class Payload>
class Scheduler {
 public:
  using Handle = typename EventQueue<Payload>::Handle;

  TimePoint now() const { return now_; }
  uint64_t events_handled() const { return handled_; }
  EventQueue<Payload>& queue() { return queue_; }
  const EventQueue<Payload>& queue() const { return queue_; }

  Handle schedule_at(TimePoint at, const Payload& p) {
    LEASESIM_ASSERT(at >= now_, "scheduling in the past");
    return queue_.schedule(at, p);
  }
  Handle schedule_after(Duration d, const Payload& p) { return schedule_at(now_ + d, p); }
  bool cancel(Handle h) { return queue_.cancel(h); }
  // schedule_at(at, p) then cancel(old), done in place if the queue can
  // (EventQueue::replace_in_place; `old` is then the new event's handle).
  bool replace_in_place(Handle& old, TimePoint at, const Payload& p) {
    LEASESIM_ASSERT(at >= now_, "scheduling in the past");
    return queue_.replace_in_place(old, at, p);
  }

  // Asks the running loop to stop after the current event.
  void request_stop() { stop_requested_ = true; }

  // Runs events with time <= until, calling handler(const Payload&) for each
  // with now() set to the event's time. At most max_events are handled.
  template <class Handler>
  StopReason run_until(TimePoint until, Handler&& handler, uint64_t max_events = UINT64_MAX) {
    // The queue's drain is fixed while it holds events: choose the loop
    // compiled for it once, not per event.
    if (queue_.drain() == Drain::kSortedRuns)
      return run_until_as<Drain::kSortedRuns>(until, handler, max_events);
    return run_until_as<Drain::kHeap>(until, handler, max_events);
  }

  // run_until() compiled for one drain only. A caller that instantiates
  // both loops in one translation unit changes what the compiler inlines
  // in all of it (the world keeps them apart: sim/world/world_sorted.cpp).
  // Precondition: D == queue().drain().
  template <Drain D, class Handler>
  StopReason run_until_as(TimePoint until, Handler&& handler, uint64_t max_events = UINT64_MAX) {
    LEASESIM_ASSERT(queue_.drain() == D, "event loop compiled for another drain");
    stop_requested_ = false;
    TimePoint at;
    Payload payload;
    for (;;) {
      if (handled_ >= max_events) return StopReason::kEventBudget;
      const auto popped = queue_.template pop_until_as<D>(until, &at, &payload);
      if (popped == EventQueue<Payload>::PopResult::kEmpty) return StopReason::kQuiescent;
      if (popped == EventQueue<Payload>::PopResult::kLater) {
        if (until > now_) now_ = until;
        return StopReason::kReachedTime;
      }
      now_ = at;
      ++handled_;
      handler(payload);
      if (stop_requested_) return StopReason::kRequested;
    }
  }

 private:
  EventQueue<Payload> queue_;
  TimePoint now_ = TimePoint::origin();
  uint64_t handled_ = 0;
  bool stop_requested_ = false;
};

}  // namespace leasesim
