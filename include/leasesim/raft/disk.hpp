// A Raft server's persistent state, and the one place the core writes it.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/protocol/node.hpp"
#include "leasesim/raft/log.hpp"

namespace leasesim::raft {

// What a server keeps on disk: Raft's persistent state. The host keeps it
// across crashes; a restarted server reads it back.
struct Disk final : DurableState {
  Term term = 0;
  NodeId voted_for = kInvalidNode;
  Log log;
};

// Every write of term, vote and log goes through here: the seam for a model
// of durable writes. The writer notes what a step wrote (term or vote;
// log); the server turns that into an Effects::persist request when the
// host models durable-write latency (docs/scenario-format.md,
// `timing.disk`), else a write is durable at once, as if fsynced before
// the messages of the step leave.
class DiskWriter {
 public:
  explicit DiskWriter(Disk& disk) : d_(disk) {}

  Term term() const { return d_.term; }
  NodeId voted_for() const { return d_.voted_for; }
  const Log& log() const { return d_.log; }

  // A new term; the vote is cleared. Precondition: t > term().
  void set_term(Term t) {
    d_.term = t;
    d_.voted_for = kInvalidNode;
    written_ |= kWroteMeta;
  }
  // A new term with a vote for `candidate` (a candidate's own vote).
  void set_term_and_vote(Term t, NodeId candidate) {
    d_.term = t;
    d_.voted_for = candidate;
    written_ |= kWroteMeta;
  }
  void set_vote(NodeId candidate) {
    d_.voted_for = candidate;
    written_ |= kWroteMeta;
  }
  void append(const LogEntry& e) {
    d_.log.append(e);
    written_ |= kWroteLog;
  }
  void truncate_after(LogIndex i) {
    d_.log.truncate_after(i);
    written_ |= kWroteLog;
  }
  // Compaction rewrites what is already durable: no acknowledgement waits
  // for it, so it does not count as a write here.
  void compact(LogIndex upto, std::vector<SnapshotItem> items) {
    d_.log.compact(upto, std::move(items));
  }
  void install(LogIndex index, Term term, std::vector<SnapshotItem> items) {
    d_.log.install(index, term, std::move(items));
    written_ |= kWroteLog;
  }

  // What was written since the last call, and forget it.
  class Written {
   public:
    // Term or vote.
    bool meta() const { return (bits_ & kWroteMeta) != 0; }
    // Entries appended or truncated, or a snapshot installed.
    bool log() const { return (bits_ & kWroteLog) != 0; }
    bool any() const { return bits_ != 0; }

   private:
    friend class DiskWriter;
    explicit Written(uint8_t bits) : bits_(bits) {}
    uint8_t bits_;
  };
  Written take_written() {
    const Written w(written_);
    written_ = 0;
    return w;
  }

 private:
  Disk& d_;
  // One byte for both flags, not two bools: a step sets one of them with a
  // one-byte store just before take_written() reads them, and two adjacent
  // bools were read back as one two-byte load, which the store buffer
  // cannot forward from a one-byte store (the load waited for the store to
  // reach the cache: 2.6% of W1 C = 1k's profile samples; docs/performance.md,
  // round fourteen).
  static constexpr uint8_t kWroteMeta = 1;
  static constexpr uint8_t kWroteLog = 2;
  uint8_t written_ = 0;
};

}  // namespace leasesim::raft
