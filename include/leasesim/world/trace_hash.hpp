// How a run's records enter its trace hash (docs/trace-format.md, "The
// trace hash").
//
// Every record the world emits is hashed, in emission order. Most are
// hashed whole (TraceHasher::add: all nine words). The three per-message
// records, two or three of every engine event, are hashed by only the words
// that do not follow from the records before them (TraceHasher's compact
// forms), which makes them about four times cheaper to hash:
//   send     true time, sender, receiver, message type, resource. (Its id is
//            its position among the run's sends and drops-at-send; its local
//            time follows from the sender's clock records.)
//   deliver  true time and message id. (Sender, receiver, type and resource
//            are the send's with that id; local time as above.)
//   timer    true time, node, timer kind, argument. (Local time as above.)
// The stream of records therefore still determines the hash, and any
// divergence between two runs shows up in it: a different message, a
// different order, a different time.
//
// The one record outside the hash (and the record count) is run_end, the
// trace's last line: it says where and why the run ended, which the report
// prints beside the hash; leaving it out kept every hash from before it.
//
// The world hashes these three on a fast path, straight from its own
// variables and without building the record unless tracing is on;
// hash_record() is the same rule applied to a record, for readers of a
// trace (a test recomputes every run's hash from its trace with it).
#pragma once

#include <cstdint>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {

inline void hash_send(TraceHasher& h, TimePoint time, NodeId from, NodeId to, uint16_t type,
                      uint32_t resource) {
  h.add_compact(world_rec::Send::kKind, static_cast<uint64_t>(time.ns()),
                (uint64_t{from} << 32) | to, (uint64_t{resource} << 16) | type, 0);
}

inline void hash_deliver(TraceHasher& h, TimePoint time, uint64_t id) {
  h.add_compact(world_rec::Deliver::kKind, static_cast<uint64_t>(time.ns()), id);
}

inline void hash_timer(TraceHasher& h, TimePoint time, NodeId node, uint32_t timer, uint64_t arg) {
  h.add_compact(world_rec::Timer::kKind, static_cast<uint64_t>(time.ns()),
                (uint64_t{node} << 32) | timer, arg, 0);
}

// One record, by the rule above.
void hash_record(TraceHasher& h, const Record& r);

}  // namespace leasesim
