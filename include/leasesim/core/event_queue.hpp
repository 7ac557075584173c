// The pending-event set of a discrete-event simulation.
//
// Ordering: events are totally ordered by (time, insertion sequence). Two
// events at the same time come out in the order they were scheduled (FIFO),
// on every platform: the sequence number is a 64-bit counter, never an
// address or a hash.
//
// Layout: a 4-ary min-heap of 24-byte keys {time, seq, slot}. The payload
// lives in a slot table beside the heap, so sifting moves only keys however
// large the payload is. Slots are recycled through a free list and the heap
// vector keeps its capacity, so in the steady state scheduling and popping
// allocate nothing.
//
// Cancellation is lazy: cancel() marks the slot, and the entry is discarded
// when it reaches the top. A Handle carries the slot's generation, so a
// stale handle (its event already ran or was cancelled, and the slot reused)
// cancels nothing.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

template <class Payload>
class EventQueue {
 public:
  struct Handle {
    uint32_t slot = UINT32_MAX;
    uint32_t generation = 0;
  };

  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  void reserve(size_t n) {
    heap_.reserve(n);
    slots_.reserve(n);
  }

  // Schedules `payload` at `at`. Returns a handle for cancel().
  Handle schedule(TimePoint at, const Payload& payload) {
    uint32_t slot;
    if (free_head_ != kNone) {
      slot = free_head_;
      free_head_ = slots_[slot].next_free;
    } else {
      LEASESIM_ASSERT(slots_.size() < kNone, "event queue: too many pending events");
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    s.payload = payload;
    s.state = kPending;
    sift_up(heap_.size(), Key{at.ns(), next_seq_++, slot});
    ++live_;
    return Handle{slot, s.generation};
  }

  // Cancels a pending event. Returns false if it already ran, was already
  // cancelled, or the handle is stale.
  bool cancel(Handle h) {
    if (h.slot >= slots_.size()) return false;
    Slot& s = slots_[h.slot];
    if (s.generation != h.generation || s.state != kPending) return false;
    s.state = kCancelled;
    --live_;
    return true;
  }

  // Number of events that will still run (cancelled ones excluded).
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  // Events scheduled so far (the next insertion sequence number).
  uint64_t scheduled_count() const { return next_seq_; }

  // Time of the next live event. Precondition: !empty().
  TimePoint next_time() {
    drop_cancelled_top();
    LEASESIM_ASSERT(!heap_.empty(), "next_time on an empty queue");
    return TimePoint(heap_[0].at);
  }

  // Removes the next live event. Returns false if there is none.
  bool pop(TimePoint* at, Payload* payload) {
    drop_cancelled_top();
    if (heap_.empty()) return false;
    const Key top = heap_[0];
    remove_top();
    Slot& s = slots_[top.slot];
    *at = TimePoint(top.at);
    *payload = std::move(s.payload);
    release(top.slot);
    --live_;
    return true;
  }

  // Re-times pending events: for each live event, `fn(TimePoint at, const
  // Payload&)` returns its new time. Their sequence numbers are kept, so
  // events that end up at equal times keep their original relative order.
  // O(n); meant for rare changes such as a clock being stepped.
  template <class Fn>
  void retime(Fn&& fn) {
    for (Key& k : heap_) {
      const Slot& s = slots_[k.slot];
      if (s.state == kPending) k.at = fn(TimePoint(k.at), s.payload).ns();
    }
    // Floyd's heap construction over the 4-ary heap.
    if (heap_.size() > 1) {
      for (size_t i = (heap_.size() - 2) / 4 + 1; i-- > 0;) sift_down(i, heap_[i]);
    }
  }

  // Visits every live event (in no particular order) without changing it.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const Key& k : heap_) {
      const Slot& s = slots_[k.slot];
      if (s.state == kPending) fn(TimePoint(k.at), s.payload);
    }
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  enum State : uint8_t { kFree, kPending, kCancelled };

  struct Key {
    int64_t at;
    uint64_t seq;
    uint32_t slot;
  };
  struct Slot {
    Payload payload{};
    uint32_t generation = 0;
    uint32_t next_free = kNone;
    State state = kFree;
  };

  static bool less(const Key& a, const Key& b) {
    return a.at < b.at || (a.at == b.at && a.seq < b.seq);
  }

  void release(uint32_t slot) {
    Slot& s = slots_[slot];
    s.state = kFree;
    ++s.generation;
    s.next_free = free_head_;
    free_head_ = slot;
  }

  void drop_cancelled_top() {
    while (!heap_.empty() && slots_[heap_[0].slot].state == kCancelled) {
      const uint32_t slot = heap_[0].slot;
      remove_top();
      release(slot);
    }
  }

  void sift_up(size_t i, Key k) {
    heap_.push_back(k);
    while (i > 0) {
      const size_t parent = (i - 1) >> 2;
      if (!less(k, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }

  void sift_down(size_t i, Key k) {
    const size_t n = heap_.size();
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < end; ++c)
        if (less(heap_[c], heap_[best])) best = c;
      if (!less(heap_[best], k)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = k;
  }

  void remove_top() {
    const Key last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
  }

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  uint32_t free_head_ = kNone;
  uint64_t next_seq_ = 0;
  size_t live_ = 0;
};

}  // namespace leasesim
