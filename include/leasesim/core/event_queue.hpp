// The pending-event set of a discrete-event simulation.
//
// Ordering: events are totally ordered by (time, insertion sequence). Two
// events at the same time come out in the order they were scheduled (FIFO),
// on every platform: the sequence number is a counter, never an address or
// a hash.
//
// Layout. An event is a 16-byte key {time, order} plus a payload in a slot
// table; `order` packs the insertion sequence (high kSeqBits bits) above the
// slot index (low kSlotBits bits). The time is kept with its sign bit
// flipped (biased()), so that unsigned order is time order, negative times
// included. Sequence numbers are unique, so keys compare as one unsigned
// 128-bit integer (time, then sequence), without branches or conversion,
// and payloads never move while keys are sorted.
//
// Keys live in one of four places, by the time bucket they fall in
// (bucket = time / width; about 4 ms with sorted runs, 67 ms with the heap:
// bucket_shift()):
//   near_  a 4-ary min-heap: every key whose bucket is before cursor_
//          (with Drain::kSortedRuns, only those not in run_);
//   run_   with Drain::kSortedRuns only: the bucket being drained, sorted
//          once as it came due; its keys pop from the front;
//   ring_  kBuckets unsorted buckets: keys in buckets cursor_ ..
//          cursor_ + kBuckets - 1 (17 s or 275 s ahead), one vector each
//          (with staging, set_staging(), the ring's keys from stage_from_
//          on wait in staged_ first, in schedule order);
//   far_   a second heap: everything later.
// Every key in near_ (and run_) is earlier than every key elsewhere, so
// near_'s top (or the smaller of it and run_'s front) is the next event.
// When they run dry, the next non-empty bucket moves in (and far_ keys
// that the advancing window now covers move into the ring). So what pops
// sort only holds the next bucket's events, however many are
// pending in all, and most schedules are an append to a bucket. (A
// calendar queue, made exact: order within and across buckets is still
// the (time, sequence) key.)
//
// How a due bucket drains is the queue's Drain, fixed while it holds
// events. Both give the same order (the key order); they differ in cost:
//   kHeap        the bucket's keys are pushed into near_ and popped from
//                it: a few cache-resident heap levels per event; cheapest
//                when buckets hold a few dozen keys (small worlds, with
//                the heap's wider buckets: bucket_shift());
//   kSortedRuns  the bucket is sorted once (a radix sort from kRadixMin
//                keys, a branch-free rank sort below) and pops step
//                along the array; near_ keeps only
//                keys scheduled into a bucket that had already come due
//                (the open window). Cheaper when buckets hold hundreds of
//                keys (W1 at 10,000 requestors: 11% less time), dearer
//                with few (scenarios/explore.json: 3.4% more).
// The event loop (Scheduler::run_until) reads the drain once per call and
// runs a loop compiled for it, so neither pays for the other per event.
//
// Slots are recycled through a free list; heaps and buckets keep their
// capacity, so in the steady state scheduling and popping allocate nothing.
//
// Limits (asserted): at most 2^kSlotBits - 1 (about 16.7 million) events
// pending at once, and 2^kSeqBits (about 1.1e12) events scheduled per queue.
//
// Cancellation is lazy: cancel() marks the slot, and the key is discarded
// when it would be the next event or moves out of its bucket. A Handle carries
// the slot's generation, so a stale handle (its event already ran or was
// cancelled, and the slot reused) cancels nothing. A queue with no
// cancelled or moved (below) events pending never looks at slot states to
// pop.
//
// Replacing is lazy too, where it can be (replace_in_place(), heap drain
// only): a pending event replaced by one at the same time or later keeps
// its key where it is, and the slot takes the new payload, time and
// sequence number; when the old key comes up, the new key is placed. The
// order is exactly schedule-then-cancel's: the sequence number is drawn at
// the replace, and the old key comes up before the new one can be due.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

namespace event_queue_detail {

// A time as an unsigned number in the same order: the sign bit flipped.
// Keys hold their time this way, so that comparing two keys and finding a
// key's bucket need no conversion (the flip leaves the low bits, a time's
// offset within its bucket, as they were).
inline uint64_t biased(int64_t at) {
  return static_cast<uint64_t>(at) ^ (uint64_t{1} << 63);
}
inline int64_t unbiased(uint64_t b) {
  return static_cast<int64_t>(b ^ (uint64_t{1} << 63));
}

struct Key {
  uint64_t at;     // the event's time, biased()
  uint64_t order;  // sequence << kSlotBits | slot

  Key() = default;
  // For emplace_back(at, order): clang 14 has no parenthesised aggregate
  // initialisation.
  constexpr Key(uint64_t time, uint64_t sequence_and_slot) : at(time), order(sequence_and_slot) {}
};
static_assert(sizeof(Key) == 16, "four keys must fill one cache line");

// (at, order) as one unsigned 128-bit number.
inline uint128_t rank(const Key& k) {
  return (static_cast<uint128_t>(k.at) << 64) | k.order;
}
inline bool less(const Key& a, const Key& b) {
  return rank(a) < rank(b);
}

// A 4-ary min-heap of keys. The array is 64-byte aligned and logical index
// i lives at i + kOffset, so the four children 4i+1 .. 4i+4 of any node
// share one cache line. Every position after the last key (kPad beyond the
// capacity included) holds a sentinel that ranks after every real key, so
// every child group can be compared as a full group of four (no branch on
// how full the last group is). A pop writes the sentinel back where the
// last key was, so a push has none to write.
class KeyHeap {
 public:
  KeyHeap() = default;
  KeyHeap(const KeyHeap&) = delete;
  KeyHeap& operator=(const KeyHeap&) = delete;
  ~KeyHeap() { free_keys(); }

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const Key& top() const { return key(0); }
  const Key& operator[](size_t i) const { return key(i); }
  Key& operator[](size_t i) { return key(i); }
  void clear() {
    for (size_t i = 0; i < n_; ++i) key(i) = kSentinel;
    n_ = 0;
  }
  void reserve(size_t n) {
    if (n > cap_) grow(n);
  }

  void push(Key k) {
    if (n_ == cap_) grow(cap_ < 64 ? 64 : cap_ * 2);
    size_t i = n_++;
    while (i > 0) {
      const size_t parent = (i - 1) >> 2;
      if (!less(k, key(parent))) break;
      key(i) = key(parent);
      i = parent;
    }
    key(i) = k;
  }

  void pop() {
    const Key last = key(--n_);
    key(n_) = kSentinel;
    if (n_ != 0) sift_down(0, last);
  }

  // Restores the heap order after keys were changed in place (Floyd).
  void rebuild() {
    if (n_ > 1) {
      for (size_t i = (n_ - 2) / 4 + 1; i-- > 0;) sift_down(i, key(i));
    }
  }

 private:
  static constexpr size_t kOffset = 3;
  static constexpr size_t kPad = 3;
  static constexpr size_t kAlign = 64;
  static constexpr Key kSentinel{UINT64_MAX, UINT64_MAX};

  Key& key(size_t i) { return keys_[i + kOffset]; }
  const Key& key(size_t i) const { return keys_[i + kOffset]; }

  void sift_down(size_t i, Key k) {
    const size_t n = n_;
    const uint128_t rk = rank(k);
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      // A tournament over the group (sentinels pad a short last group)
      // whose indices are computed arithmetically, so the compiler cannot
      // turn the data-dependent choices back into (mispredicted) branches.
      // Keys are unique, so the winner does not depend on tie-breaking.
      const Key* g = &key(first);
      const size_t a = static_cast<size_t>(less(g[1], g[0]));
      const size_t b = 2 + static_cast<size_t>(less(g[3], g[2]));
      const size_t take_b = -static_cast<size_t>(less(g[b], g[a]));
      const size_t best = first + (a ^ ((a ^ b) & take_b));
      if (rank(key(best)) >= rk) break;
      key(i) = key(best);
      i = best;
    }
    key(i) = k;
  }

  void grow(size_t cap) {
    Key* fresh = static_cast<Key*>(
        ::operator new ((cap + kOffset + kPad) * sizeof(Key), std::align_val_t{kAlign}));
    for (size_t i = 0; i < n_; ++i) fresh[i + kOffset] = key(i);
    for (size_t i = n_; i < cap + kPad; ++i) fresh[i + kOffset] = kSentinel;
    free_keys();
    keys_ = fresh;
    cap_ = cap;
  }

  void free_keys() {
    if (keys_ != nullptr) ::operator delete (keys_, std::align_val_t{kAlign});
    keys_ = nullptr;
  }

  Key* keys_ = nullptr;  // n_ keys from keys_[kOffset]
  size_t n_ = 0;
  size_t cap_ = 0;
};

}  // namespace event_queue_detail

// How an EventQueue drains a bucket that comes due (see above).
enum class Drain : uint8_t { kHeap, kSortedRuns };
const char* to_string(Drain d);

template <class Payload>
class EventQueue {
 public:
  struct Handle {
    uint32_t slot = UINT32_MAX;
    uint32_t generation = 0;
  };

  EventQueue() : ring_(kBuckets) {}
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  Drain drain() const { return drain_; }
  // Precondition: no event was scheduled yet (a drain never sees keys
  // placed the other's way).
  void set_drain(Drain d) {
    LEASESIM_ASSERT(next_seq_ == 0, "event queue: drain chosen after scheduling");
    drain_ = d;
    bucket_shift_ = bucket_shift(d);
    cursor_ = bucket_at(0, bucket_shift_);
    stage_ahead_ = 0;
    restart_staging();
  }
  // Staging (sorted runs only, off by default): keys for buckets
  // `buckets_ahead` or more past the cursor (kStageBuckets: about a second)
  // are not appended to their buckets when scheduled but collected in one
  // array (staged_, in schedule order) and moved into their buckets in
  // batches, a staging distance at a time, before the cursor gets to them
  // (the keys further ahead stay staged). An append to a distant bucket
  // writes a line last touched long ago; with tens of thousands of pending
  // events that is a cache miss per schedule, and in a batch the misses
  // overlap (prefetched a few keys ahead) instead of each holding up the
  // event that scheduled it; and only the buckets before the staging line
  // hold keys and storage, not the whole ring. Never changes what pops or
  // when; costs a copy per staged key and a pass over the staged keys per
  // batch, so worth it only for large worlds (W1 at C = 10k: about 7% less
  // time, and 5-7% less again from moving a distance at a time; at C = 1k,
  // 3% more instructions for no gain; docs/performance.md, rounds thirteen
  // and fourteen). 0 turns it off. Precondition: nothing scheduled yet,
  // and drain() == Drain::kSortedRuns unless 0.
  void set_staging(uint32_t buckets_ahead) {
    LEASESIM_ASSERT(next_seq_ == 0, "event queue: staging chosen after scheduling");
    LEASESIM_ASSERT(buckets_ahead == 0 || drain_ == Drain::kSortedRuns,
                    "event queue: staging needs sorted runs");
    LEASESIM_ASSERT(buckets_ahead <= kBuckets, "event queue: staging beyond the ring");
    stage_ahead_ = buckets_ahead;
    restart_staging();
  }
  // With staging, keys for buckets this many past the cursor and more
  // (about 1.07 s) are staged: the window between two batches. Measured,
  // W1 C = 10k: 16 buckets 0.93x the time of none, 64 0.97x of 16, 256
  // 0.98x of 64.
  static constexpr uint32_t kStageBuckets = 256;
  // A bucket spans 2^bucket_shift(d) ns under drain d: 2^22 (about 4.2 ms)
  // for sorted runs, whose radix sort covers a 22-bit offset; 2^26 (about
  // 67 ms) for the heap. The heap drain serves small worlds, whose events
  // are milliseconds apart: with 4.2 ms buckets it stepped through about
  // one bucket per event, and a wider bucket moves a few dozen keys into
  // the heap at once instead (explore.json: 15% less time; 2^24 gave 10%,
  // 2^28 was slower again; docs/performance.md).
  static constexpr int bucket_shift(Drain d) { return d == Drain::kHeap ? 26 : 22; }

  void reserve(size_t n) {
    near_.reserve(n);
    slots_.reserve(n);
  }

  // Schedules `payload` at `at`. Returns a handle for cancel().
  Handle schedule(TimePoint at, const Payload& payload) {
    uint32_t slot;
    if (free_head_ != kNone) {
      slot = free_head_;
      free_head_ = slots_[slot].next_free;
    } else {
      slot = new_slot();
    }
    LEASESIM_ASSERT(next_seq_ < kMaxSeq, "event queue: sequence numbers exhausted");
    Slot& s = slots_[slot];
    s.payload = payload;
    s.state = kPending;
    s.at = event_queue_detail::biased(at.ns());
    place(Key{s.at, (next_seq_++ << kSlotBits) | slot});
    ++count_;
    return Handle{slot, s.generation};
  }

  // Schedules `payload` at `at` in place of the event `old`: in everything
  // that can be observed (what pops, when, in which order; size(); which
  // handles still cancel something) the same as
  //   const Handle h = schedule(at, payload); cancel(old); return h;
  Handle replace(Handle old, TimePoint at, const Payload& payload) {
    if (replace_in_place(old, at, payload)) return old;
    const Handle h = schedule(at, payload);
    cancel(old);
    return h;
  }

  // replace()'s cheap case, which it tries first: with the heap drain, when
  // `old` is pending and `at` is not before it, the new event takes over
  // old's slot and draws its sequence number now (as schedule() would), and
  // its key is placed only when old's key comes up, which is never later
  // than the new key could be due. `old` becomes the new event's handle
  // (the old one cancels nothing, as after cancel()). Returns false, and
  // changes nothing, otherwise. A timer re-armed again and again before it
  // fires (a Raft follower's election timer, at every AppendEntries) costs
  // one write to its slot instead of a slot, a key, a cancel and a discard.
  // Sorted runs need each bucket's equal times in sequence order, which a
  // key placed late would break: there it always returns false.
  // (A caller that schedules when this fails keeps one copy of schedule()
  // in its loop; replace() in a hot loop would inline a second one.)
  bool replace_in_place(Handle& old, TimePoint at, const Payload& payload) {
    if (drain_ != Drain::kHeap || old.slot >= slots_.size()) return false;
    Slot& s = slots_[old.slot];
    const uint64_t biased_at = event_queue_detail::biased(at.ns());
    if (s.generation != old.generation || !live(s.state) || biased_at < s.at) return false;
    LEASESIM_ASSERT(next_seq_ < kMaxSeq, "event queue: sequence numbers exhausted");
    s.payload = payload;
    flagged_ += s.state == kPending;
    s.state = kMoved;
    s.at = biased_at;
    s.live_order = (next_seq_++ << kSlotBits) | old.slot;
    old.generation = ++s.generation;
    return true;
  }

  // Cancels a pending event. Returns false if it already ran, was already
  // cancelled, or the handle is stale.
  bool cancel(Handle h) {
    if (h.slot >= slots_.size()) return false;
    Slot& s = slots_[h.slot];
    if (s.generation != h.generation || !live(s.state)) return false;
    // A moved slot's key is flagged already.
    flagged_ += s.state == kPending;
    s.state = kCancelled;
    ++cancelled_;
    return true;
  }

  // Number of events that will still run (cancelled ones excluded).
  size_t size() const { return count_ - cancelled_; }
  // Events the queue holds, cancelled ones not yet dropped included: what
  // counts against kMaxHeld.
  size_t held() const { return count_; }
  bool empty() const { return count_ == cancelled_; }
  // Events scheduled so far (the next insertion sequence number).
  uint64_t scheduled_count() const { return next_seq_; }
  // How many of the ring's buckets hold keys (live or not): with staging,
  // at most the staging distance (flush_staged()). For tests and
  // diagnostics; reads every bucket.
  size_t buckets_holding_keys() const {
    size_t n = 0;
    for (const std::vector<Key>& b : ring_) n += !b.empty();
    return n;
  }

  // Time of the next live event. Precondition: !empty().
  TimePoint next_time() {
    const bool any = drain_ == Drain::kHeap ? settle<Drain::kHeap>() : settle<Drain::kSortedRuns>();
    LEASESIM_ASSERT(any, "next_time on an empty queue");
    return TimePoint(
        event_queue_detail::unbiased(drain_ == Drain::kHeap ? near_.top().at : top_key().at));
  }

  // Removes the next live event. Returns false if there is none.
  bool pop(TimePoint* at, Payload* payload) {
    if (drain_ == Drain::kHeap) return pop_as<Drain::kHeap>(at, payload);
    return pop_as<Drain::kSortedRuns>(at, payload);
  }

  enum class PopResult : uint8_t { kPopped, kEmpty, kLater };
  // Removes the next live event if it is due at or before `until`: the
  // event loop's peek-then-pop in one settle.
  PopResult pop_until(TimePoint until, TimePoint* at, Payload* payload) {
    if (drain_ == Drain::kHeap) return pop_until_as<Drain::kHeap>(until, at, payload);
    return pop_until_as<Drain::kSortedRuns>(until, at, payload);
  }

  // pop() and pop_until() compiled for one drain, for an event loop that
  // reads drain() once. Precondition: D == drain().
  template <Drain D>
  bool pop_as(TimePoint* at, Payload* payload) {
    if (!settle<D>()) return false;
    take_top<D>(at, payload);
    return true;
  }
  template <Drain D>
  PopResult pop_until_as(TimePoint until, TimePoint* at, Payload* payload) {
    if (!settle<D>()) return PopResult::kEmpty;
    if ((D == Drain::kHeap ? near_.top() : top_key()).at > event_queue_detail::biased(until.ns()))
      return PopResult::kLater;
    take_top<D>(at, payload);
    return PopResult::kPopped;
  }

 private:
  // Precondition: settle<D>() returned true.
  template <Drain D>
  void take_top(TimePoint* at, Payload* payload) {
    Key top;
    if constexpr (D == Drain::kHeap) {
      top = near_.top();
      near_.pop();
    } else {
      top = top_key();
      if (top_in_run_)
        ++run_pos_;
      else
        near_.pop();
    }
    --count_;
    const uint32_t slot = slot_of(top);
    Slot& s = slots_[slot];
    *at = TimePoint(event_queue_detail::unbiased(top.at));
    *payload = std::move(s.payload);
    release(slot);
    if constexpr (D == Drain::kHeap) {
      // The next event's payload is read at the next pop, after the caller
      // has handled this one: fetch it meanwhile.
      if (!near_.empty()) __builtin_prefetch(&slots_[slot_of(near_.top())]);
      // With look-ahead, the one after it too (the earliest of the top's
      // children, most likely): by the time it is next, its payload is
      // cached and next_hint() reads it without a stall.
      if (lookahead_ && near_.size() > 1) {
        const size_t last = near_.size() - 1 < 4 ? near_.size() - 1 : 4;
        size_t best = 1;
        for (size_t i = 2; i <= last; ++i)
          if (less(near_[i], near_[best])) best = i;
        __builtin_prefetch(&slots_[slot_of(near_[best])]);
      }
    } else {
      if (const Key* next = likely_next()) __builtin_prefetch(&slots_[slot_of(*next)]);
      // With look-ahead, the run's following key too (most likely the
      // one after the next).
      if (lookahead_ && run_pos_ + 1 < run_.size())
        __builtin_prefetch(&slots_[slot_of(run_[run_pos_ + 1])]);
    }
  }

  // With Drain::kSortedRuns: the next key as things stand (it may be
  // cancelled; a later schedule may come first), or nullptr if run_ and
  // near_ are empty.
  const event_queue_detail::Key* likely_next() const {
    if (run_pos_ == run_.size()) return near_.empty() ? nullptr : &near_.top();
    if (near_.empty() || less(run_[run_pos_], near_.top())) return &run_[run_pos_];
    return &near_.top();
  }

 public:
  // The payload that will probably be popped next (it may be a cancelled
  // event, or a later schedule may come first), or nullptr.
  // A hint for prefetching what the next event will touch; never for
  // deciding anything. Its slot was prefetched when the current event was
  // popped, so reading it is usually a cache hit.
  const Payload* next_hint() const {
    if (drain_ == Drain::kHeap)
      return near_.empty() ? nullptr : &slots_[slot_of(near_.top())].payload;
    const Key* next = likely_next();
    return next == nullptr ? nullptr : &slots_[slot_of(*next)].payload;
  }
  // Look-ahead: each pop also prefetches the slot of the event likely to
  // come after the next, so that next_hint() is a cache hit even when the
  // pending events are spread over far more memory than the caches hold.
  // A few instructions per pop; worth it only for large simulations. Off
  // by default. Never changes what is popped.
  void set_lookahead(bool on) { lookahead_ = on; }

  // Re-times pending events: for each live event, `fn(TimePoint at, const
  // Payload&)` returns its new time. Their sequence numbers are kept, so
  // events that end up at equal times keep their original relative order.
  // O(n); meant for rare changes such as a clock being stepped.
  template <class Fn>
  void retime(Fn&& fn) {
    std::vector<Key> all;
    all.reserve(count_);
    all.insert(all.end(), run_.begin() + static_cast<std::ptrdiff_t>(run_pos_), run_.end());
    run_.clear();
    run_pos_ = 0;
    for (size_t i = 0; i < near_.size(); ++i) all.push_back(near_[i]);
    for (std::vector<Key>& b : ring_) {
      all.insert(all.end(), b.begin(), b.end());
      b.clear();
    }
    all.insert(all.end(), staged_.begin(),
               staged_.begin() + static_cast<std::ptrdiff_t>(staged_n_));
    staged_n_ = 0;
    restart_staging();
    for (size_t i = 0; i < far_.size(); ++i) all.push_back(far_[i]);
    near_.clear();
    far_.clear();
    in_ring_ = 0;
    // New times first, then placement in key order, so that every bucket
    // again holds equal times in sequence order (radix_sort() relies on it).
    for (Key& k : all) {
      const uint32_t slot = slot_of(k);
      if (slots_[slot].state == kMoved) k = surface(slot);  // the new key replaces the old
      Slot& s = slots_[slot];
      if (s.state == kPending) {
        s.at = event_queue_detail::biased(
            fn(TimePoint(event_queue_detail::unbiased(k.at)), s.payload).ns());
        k.at = s.at;
      }
    }
    std::sort(all.begin(), all.end(), event_queue_detail::less);
    for (const Key& k : all) place(k);
  }

  // Visits every live event (in no particular order) without changing it.
  template <class Fn>
  void for_each(Fn&& fn) const {
    auto visit = [&](const Key& k) {
      const Slot& s = slots_[slot_of(k)];
      // A moved slot's event is the new one, at the new time.
      if (live(s.state)) fn(TimePoint(event_queue_detail::unbiased(s.at)), s.payload);
    };
    for (size_t i = run_pos_; i < run_.size(); ++i) visit(run_[i]);
    for (size_t i = 0; i < near_.size(); ++i) visit(near_[i]);
    for (const std::vector<Key>& b : ring_)
      for (const Key& k : b) visit(k);
    for (size_t i = 0; i < staged_n_; ++i) visit(staged_[i]);
    for (size_t i = 0; i < far_.size(); ++i) visit(far_[i]);
  }

 private:
  using Key = event_queue_detail::Key;
  using KeyHeap = event_queue_detail::KeyHeap;

  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr int kSlotBits = 24;
  static constexpr uint32_t kSlotMask = (1u << kSlotBits) - 1;
  static constexpr uint64_t kMaxSeq = uint64_t{1} << (64 - kSlotBits);

 public:
  // The most events the queue can hold at once (held()); one more is a
  // programmer error (asserted). A host that may schedule without bound
  // watches held() and stops first (World: RunOptions::max_pending).
  static constexpr size_t kMaxHeld = kSlotMask - 1;

 private:
  // 4096 buckets of bucket_shift(drain) each: the ring reaches about 17 s
  // ahead with sorted runs and about 275 s with the heap. Any width is
  // correct (the order is the key's); the width only decides how many keys
  // near_ or run_ hold at once and how often refill() runs.
  static constexpr int kRunBucketShift = bucket_shift(Drain::kSortedRuns);
  static constexpr uint64_t kBuckets = 4096;
  static constexpr size_t kPrefetchBucket = 64;  // keys; see refill()
  // With Drain::kSortedRuns, buckets at least this large are radix-sorted;
  // smaller ones by rank (rank_sort), where a few keys cost less than the
  // radix sort's fixed part (512 digit counters).
  static constexpr size_t kRadixMin = 64;
  // kPending: the slot's key is in the containers, at `at`. kMoved (the
  // heap drain only): replace() gave the slot a new event, whose key
  // {at, live_order} is placed when the slot's old key comes up (the old
  // key's time is never after `at`). kCancelled: its key is discarded when
  // it comes up. Each slot in use has exactly one key in the containers.
  // The two live states are the two largest, so live() is one comparison.
  enum State : uint8_t { kFree, kCancelled, kPending, kMoved };
  static bool live(State s) { return s >= kPending; }

  // One cache line per slot: a 48-byte slot straddled two lines half the
  // time, so the refill's look at its state and the pop's read of its
  // payload were two misses (measured: W1 C = 100k 6% faster, C = 10k 3%).
  struct alignas(64) Slot {
    Payload payload{};
    uint32_t generation = 0;
    State state = kFree;
    uint64_t at = 0;  // pending: its key's time; moved: the new key's (biased())
    union {
      uint32_t next_free = kNone;  // free
      uint64_t live_order;         // moved: the new key's order
    };
  };

  static uint32_t slot_of(const Key& k) { return static_cast<uint32_t>(k.order & kSlotMask); }
  // Monotone in `at`, negative times included.
  // `at` as a key holds it (biased()).
  uint64_t bucket_of(uint64_t at) const { return at >> bucket_shift_; }
  static uint64_t bucket_at(int64_t at, int shift) {
    return event_queue_detail::biased(at) >> shift;
  }

  // Keys are passed by value (place() and add_to_bucket() are inlined, so
  // a key stays in registers), to the out-of-line place_beyond() as its two
  // words, and written with one 8-byte store each. Passed by reference (or
  // as a struct to a call, which GCC spills), a key just built on the
  // stack with two 8-byte stores was read back with one 16-byte load, which
  // the store buffer cannot forward: the load waited for both stores to
  // reach the cache (docs/performance.md, round fourteen).
  void place(Key k) {
    const uint64_t b = bucket_of(k.at);
    if (b < cursor_) {
      near_.push(k);
    } else if (b < stage_from_) {
      add_to_bucket(b, k);
    } else {
      place_beyond(b, k.at, k.order);
    }
  }
  // Out of line, so that schedule() stays small enough to be inlined: far
  // keys are rare, and a staged key's copy is cheap next to the miss it
  // saves.
  [[gnu::noinline]] void place_beyond(uint64_t b, uint64_t at, uint64_t order) {
    if (b - cursor_ < kBuckets) {  // only with staging
      if (staged_n_ == staged_.size()) grow_staged();
      Key& staged = staged_[staged_n_++];
      staged.at = at;
      staged.order = order;
      ++in_ring_;
    } else {
      far_.push(Key{at, order});
    }
  }

  // stage_from_ is the first bucket that place() does not append to:
  // without staging, the end of the ring's window (cursor_ + kBuckets;
  // later keys go to far_); with staging, kept from one flush to the next.
  // Staging's invariant: every staged key's bucket is at or after
  // stage_from_, and no key was appended to a bucket at or after
  // stage_from_ since the last flush (place() stages exactly those).
  // flush_staged() runs before the cursor reaches stage_from_ (refill()),
  // so a staged key's bucket has not come due; it appends, in schedule
  // order, the staged keys for buckets before the new line (the cursor
  // plus the staging distance), keeps the others staged, and moves the line
  // there, all before any later key can go to those buckets directly: each
  // bucket still holds equal times in sequence order, as the sorts need.
  // (Cancelled keys are moved too and dropped at the
  // refill, as unstaged ones are: looking at their slots here would read
  // lines that the pops need only much later.)
  void restart_staging() { stage_from_ = cursor_ + (stage_ahead_ != 0 ? stage_ahead_ : kBuckets); }

  [[gnu::noinline]] void flush_staged() {
    // Only the keys due before the next staging line go to their buckets;
    // the rest stay staged (in schedule order) for a later move. So at most
    // the stage_ahead_ buckets before the line hold keys and storage,
    // instead of the whole ring: a bucket's storage is recycled from
    // drained runs at their full size, and with keys in every bucket of
    // the ring that was most of the queue's memory.
    restart_staging();  // the new line: the cursor plus the staging distance
    const uint64_t line = stage_from_;
    const size_t n = staged_n_;
    in_ring_ -= n;  // counted when staged; add_to_bucket() and the kept count add them back
    size_t kept = 0;
    // Each append writes the end of a bucket last written long ago: ask
    // for it a few keys ahead, so the misses overlap.
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const uint64_t ahead_b = bucket_of(staged_[i + kAhead].at);
        if (ahead_b < line) {
          const std::vector<Key>& ahead = ring_[ahead_b % kBuckets];
          __builtin_prefetch(ahead.data() + ahead.size(), 1);
        }
      }
      const Key k = staged_[i];
      const uint64_t b = bucket_of(k.at);
      if (b < line)
        add_to_bucket(b, k);
      else
        staged_[kept++] = k;
    }
    staged_n_ = kept;
    in_ring_ += kept;
  }
  // Out of line: schedule() must stay small enough to be inlined.
  [[gnu::noinline]] void grow_staged() {
    staged_.resize(staged_.empty() ? 256 : 2 * staged_.size());
  }

  // Makes the next live event the top: near_.top() with Drain::kHeap;
  // top_key() with Drain::kSortedRuns (top_in_run_ says where it is).
  // Returns false if none is left.
  template <Drain D>
  bool settle() {
    for (;;) {
      if constexpr (D == Drain::kHeap) {
        if (near_.empty()) {
          if (in_ring_ == 0 && far_.empty()) return false;
          refill<D>();
          continue;
        }
        if (flagged_ == 0) return true;
        const uint32_t slot = slot_of(near_.top());
        const State state = slots_[slot].state;
        if (state == kPending) return true;
        near_.pop();
        if (state == kCancelled)
          drop(slot);
        else
          place(surface(slot));  // the new key, where schedule() would have put it
      } else {
        const bool in_run = run_pos_ < run_.size();
        if (!in_run && near_.empty()) {
          if (in_ring_ == 0 && far_.empty()) return false;
          refill<D>();
          continue;
        }
        top_in_run_ = in_run && (near_.empty() || less(run_[run_pos_], near_.top()));
        // (No slot is ever moved here: replace() does not move them with
        // sorted runs, so every flagged key is a cancelled one.)
        if (flagged_ == 0) return true;
        const uint32_t slot = slot_of(top_key());
        if (slots_[slot].state != kCancelled) return true;
        if (top_in_run_)
          ++run_pos_;
        else
          near_.pop();
        drop(slot);
      }
    }
  }
  // With Drain::kSortedRuns, the next key. Precondition: settle() returned
  // true.
  const Key& top_key() const { return top_in_run_ ? run_[run_pos_] : near_.top(); }

  // Nothing due is left (near_ and run_ are empty): moves the next
  // non-empty bucket in, by the drain D.
  template <Drain D>
  void refill() {
    for (;;) {
      if (in_ring_ == 0) {
        if (far_.empty()) return;
        // Nothing in the ring: restart it at the earliest far key.
        cursor_ = bucket_of(far_.top().at);
        restart_staging();  // (nothing is staged)
        pull_far();
      }
      if constexpr (D == Drain::kSortedRuns) {
        if (cursor_ >= stage_from_) flush_staged();
      }
      std::vector<Key>& bucket = ring_[cursor_ % kBuckets];
      if (!bucket.empty()) {
        in_ring_ -= bucket.size();
        if (flagged_ != 0 && bucket.size() >= kPrefetchBucket) {
          // Each key's slot is checked for cancellation, and with many
          // pending events the slots are scattered over memory: ask for
          // all of them first, so their misses overlap instead of
          // following one another. (A small bucket's slots are few and
          // likely cached: there the extra pass only costs. Measured, W1:
          // C = 10k 8% faster, C = 1k unchanged.)
          for (const Key& k : bucket) __builtin_prefetch(&slots_[slot_of(k)].state);
        }
        if constexpr (D == Drain::kHeap) {
          for (const Key& k : bucket) {
            const uint32_t slot = slot_of(k);
            if (flagged_ != 0 && slots_[slot].state != kPending) {
              if (slots_[slot].state == kCancelled) {
                drop(slot);
              } else {
                // The new key goes where a schedule() would have put it,
                // except that this bucket is on its way into near_ (and
                // is not to be appended to while it is read).
                const Key fresh = surface(slot);
                if (bucket_of(fresh.at) <= cursor_)
                  near_.push(fresh);
                else
                  place(fresh);
              }
            } else {
              near_.push(k);
            }
          }
          bucket.clear();
        } else {
          if (flagged_ != 0) {
            size_t kept = 0;
            for (const Key& k : bucket) {
              const uint32_t slot = slot_of(k);
              if (slots_[slot].state == kCancelled)
                drop(slot);
              else
                bucket[kept++] = k;
            }
            bucket.erase(bucket.begin() + static_cast<std::ptrdiff_t>(kept), bucket.end());
          }
          if (bucket.size() >= kRadixMin)
            radix_sort(bucket);
          else if (bucket.size() > 1)
            rank_sort(bucket);
          // The sorted bucket becomes the run; the drained run's storage
          // goes to the spares below.
          run_.clear();
          run_.swap(bucket);
          run_pos_ = 0;
        }
        // Buckets fill up and drain one after another: hand the storage on
        // to whichever bucket fills next, so the ring allocates nothing
        // once the busiest stretch of buckets has been seen. (With sorted
        // runs, the storage is the drained run's, which may have none.)
        if (D == Drain::kHeap || bucket.capacity() != 0) {
          spare_.emplace_back();
          spare_.back().swap(bucket);
        }
      }
      ++cursor_;
      if (D == Drain::kHeap || stage_ahead_ == 0) ++stage_from_;  // the window's end
      // The window now reaches one bucket further, into the ring entry
      // just emptied.
      if (!far_.empty()) pull_far();
      if constexpr (D == Drain::kHeap) {
        if (!near_.empty()) return;
      } else {
        if (run_pos_ < run_.size()) return;
      }
    }
  }

  // Sorts a large bucket's keys: a least-significant-digit radix sort on the
  // key's time within its bucket (22 bits, three digits), which runs
  // without a data-dependent branch. Radix sorting is stable, and equal
  // times are already in sequence order in a bucket: a bucket receives
  // first the far_ keys of its bucket, in (time, sequence) order, when it
  // enters the window, then keys scheduled later, whose sequence numbers
  // are all larger, in the order they were scheduled (retime() places
  // keys in key order to keep this so). Asserted after the sort.
  void radix_sort(std::vector<Key>& v) {
    static_assert(kRunBucketShift == 22, "the digits below cover a 22-bit offset");
    uint32_t c0[256] = {}, c1[128] = {}, c2[128] = {};
    for (const Key& k : v) {
      const uint32_t o = offset_in_bucket(k);
      ++c0[o & 255];
      ++c1[(o >> 8) & 127];
      ++c2[o >> 15];
    }
    exclusive_prefix(c0, 256);
    exclusive_prefix(c1, 128);
    exclusive_prefix(c2, 128);
    scratch_.resize(v.size());
    for (const Key& k : v) scratch_[c0[offset_in_bucket(k) & 255]++] = k;
    for (const Key& k : scratch_) v[c1[(offset_in_bucket(k) >> 8) & 127]++] = k;
    for (const Key& k : v) scratch_[c2[offset_in_bucket(k) >> 15]++] = k;
    v.swap(scratch_);
    for (size_t i = 1; i < v.size(); ++i)
      LEASESIM_ASSERT(event_queue_detail::less(v[i - 1], v[i]), "event queue: bucket out of order");
  }
  // Sorts a small bucket (fewer than kRadixMin keys) by counting, for each
  // key, the keys that go before it, and putting it at that rank. The
  // order is the radix sort's (time within the bucket, then position in
  // the bucket, which is sequence order for equal times), packed into one
  // 32-bit number per key: 22 bits of offset above 6 bits of position, all
  // distinct. The counting is a fixed number of comparisons with no
  // data-dependent branch, four at a time (GCC's and Clang's vector
  // extension: left to itself, the compiler unrolled the plain loop into a
  // chain of tests of the size and finished the remainder one key at a
  // time; round eleven, 1.1% fewer instructions at W1 C = 1k), where the
  // comparison sort it replaced mispredicted about one branch per key. At
  // W1 C = 1k (about 15 keys a bucket) that sort held 3% of the profile's
  // samples, and replacing it took 8% off the run's time: a mispredicted
  // branch also discards the loads issued after it (docs/performance.md,
  // round nine).
  void rank_sort(std::vector<Key>& v) {
    static_assert(kRadixMin <= 64 && kRunBucketShift + 6 < 32,
                  "the packed order needs 6 bits of position and must fit in an int32");
    const size_t n = v.size();
    LEASESIM_ASSERT(n < kRadixMin, "rank_sort: bucket too large");
    alignas(16) int32_t order[kRadixMin];
    for (size_t i = 0; i < n; ++i)
      order[i] = static_cast<int32_t>((offset_in_bucket(v[i]) << 6) | static_cast<uint32_t>(i));
    // Padded to whole groups of four with a value no key's is above, so
    // the count runs in groups with no remainder to finish one by one.
    const size_t padded = (n + 3) & ~size_t{3};
    for (size_t i = n; i < padded; ++i) order[i] = INT32_MAX;
    scratch_.resize(n);
    using V4 = int32_t __attribute__((vector_size(16)));
    for (size_t i = 0; i < n; ++i) {
      const int32_t mine = order[i];
      const V4 mine4 = {mine, mine, mine, mine};
      V4 below = {0, 0, 0, 0};
      for (size_t j = 0; j < padded; j += 4) {
        V4 group;
        __builtin_memcpy(&group, &order[j], sizeof group);
        below -= group < mine4;  // -1 in each lane that is below
      }
      const int32_t rank = below[0] + below[1] + below[2] + below[3];
      scratch_[static_cast<size_t>(rank)] = v[i];
    }
    v.swap(scratch_);
    for (size_t i = 1; i < n; ++i)
      LEASESIM_ASSERT(event_queue_detail::less(v[i - 1], v[i]), "event queue: bucket out of order");
  }
  static uint32_t offset_in_bucket(const Key& k) {
    return static_cast<uint32_t>(k.at & ((uint64_t{1} << kRunBucketShift) - 1));
  }
  static void exclusive_prefix(uint32_t* c, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t here = c[i];
      c[i] = sum;
      sum += here;
    }
  }

  // Moves far_ keys that fall in the ring's window into their buckets.
  void pull_far() {
    while (!far_.empty()) {
      const Key k = far_.top();
      const uint64_t b = bucket_of(k.at);
      if (b - cursor_ >= kBuckets) return;
      far_.pop();
      add_to_bucket(b, k);
    }
  }

  void add_to_bucket(uint64_t b, Key k) {
    std::vector<Key>& bucket = ring_[b % kBuckets];
    if (bucket.capacity() == 0 && !spare_.empty()) {
      bucket.swap(spare_.back());
      spare_.pop_back();
    }
    bucket.emplace_back(k.at, k.order);  // two 8-byte stores from registers
    ++in_ring_;
  }

  // A slot at the end of the table, for when none is free: rare once the
  // table has grown to the most events pending at once, so out of line
  // (it keeps schedule() small enough for the compiler to inline it).
  [[gnu::noinline]] uint32_t new_slot() {
    LEASESIM_ASSERT(slots_.size() < kSlotMask, "event queue: too many pending events");
    slots_.emplace_back();
    return static_cast<uint32_t>(slots_.size() - 1);
  }

  // Discards a cancelled key that has left the containers.
  void drop(uint32_t slot) {
    release(slot);
    --cancelled_;
    --flagged_;
    --count_;
  }

  // A moved slot's old key has left the containers: the slot is pending
  // again, and the new key (returned) is to be placed.
  Key surface(uint32_t slot) {
    Slot& s = slots_[slot];
    s.state = kPending;
    --flagged_;
    return Key{s.at, s.live_order};
  }

  void release(uint32_t slot) {
    Slot& s = slots_[slot];
    s.state = kFree;
    ++s.generation;
    s.next_free = free_head_;
    free_head_ = slot;
  }

  KeyHeap near_;
  std::vector<std::vector<Key>> ring_;
  KeyHeap far_;
  std::vector<std::vector<Key>> spare_;  // empty vectors with capacity, for buckets
  // First bucket not yet moved into near_ / run_ (set again by set_drain).
  uint64_t cursor_ = bucket_at(0, bucket_shift(Drain::kHeap));
  // The first bucket that place() does not append to (restart_staging()).
  uint64_t stage_from_ = cursor_ + kBuckets;
  size_t in_ring_ = 0;    // keys in ring_ and staged_
  size_t count_ = 0;      // keys anywhere, cancelled ones included
  size_t cancelled_ = 0;  // cancelled keys not yet discarded
  // Keys whose slot is not simply pending (cancelled or moved): while there
  // are none, popping never looks at a slot's state.
  size_t flagged_ = 0;
  std::vector<Slot> slots_;
  uint32_t free_head_ = kNone;
  uint64_t next_seq_ = 0;
  bool lookahead_ = false;
  Drain drain_ = Drain::kHeap;
  uint8_t bucket_shift_ = bucket_shift(Drain::kHeap);  // of drain_
  bool top_in_run_ = false;  // Drain::kSortedRuns: set by settle(), where top_key() is
  // Drain::kSortedRuns only, so last: the members above keep the offsets
  // (and cache lines) the heap drain had alone.
  std::vector<Key> run_;  // sorted; run_[run_pos_ ..] are pending
  size_t run_pos_ = 0;
  std::vector<Key> scratch_;  // radix_sort()'s second buffer
  // With staging: keys for buckets from stage_from_ on, in schedule
  // order, until flush_staged() moves them into the ring.
  std::vector<Key> staged_;  // staged_[0 .. staged_n_); the rest is capacity
  size_t staged_n_ = 0;
  uint32_t stage_ahead_ = 0;  // set_staging()'s distance; 0: off
};

}  // namespace leasesim
