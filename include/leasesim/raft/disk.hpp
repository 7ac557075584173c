// A Raft server's persistent state, and the one place the core writes it.
#pragma once

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
    meta_dirty_ = true;
  }
  // A new term with a vote for `candidate` (a candidate's own vote).
  void set_term_and_vote(Term t, NodeId candidate) {
    d_.term = t;
    d_.voted_for = candidate;
    meta_dirty_ = true;
  }
  void set_vote(NodeId candidate) {
    d_.voted_for = candidate;
    meta_dirty_ = true;
  }
  void append(const LogEntry& e) {
    d_.log.append(e);
    log_dirty_ = true;
  }
  void truncate_after(LogIndex i) {
    d_.log.truncate_after(i);
    log_dirty_ = true;
  }
  // Compaction rewrites what is already durable: no acknowledgement waits
  // for it, so it does not count as a write here.
  void compact(LogIndex upto, std::vector<SnapshotItem> items) {
    d_.log.compact(upto, std::move(items));
  }
  void install(LogIndex index, Term term, std::vector<SnapshotItem> items) {
    d_.log.install(index, term, std::move(items));
    log_dirty_ = true;
  }

  // What was written since the last call, and forget it.
  struct Written {
    bool meta = false;  // term or vote
    bool log = false;   // entries appended, truncated or a snapshot installed
  };
  Written take_written() {
    const Written w{meta_dirty_, log_dirty_};
    meta_dirty_ = log_dirty_ = false;
    return w;
  }

 private:
  Disk& d_;
  bool meta_dirty_ = false;
  bool log_dirty_ = false;
};

}  // namespace leasesim::raft
