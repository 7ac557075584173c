// The replicated log of one server, with a compacted prefix.
//
// Entries [first_index(), last_index()] are held in memory; everything up
// to snapshot_index() has been folded into `snapshot` (the state machine's
// items as of that index). Index 0 with term 0 is the empty log's sentinel.
//
// Invariants: snapshot_index() <= last_index(); term_at() is defined for
// every index in [snapshot_index(), last_index()].
#pragma once

#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/protocol/message.hpp"

namespace leasesim::raft {

class Log {
 public:
  LogIndex snapshot_index() const { return snap_index_; }
  Term snapshot_term() const { return snap_term_; }
  const std::vector<SnapshotItem>& snapshot() const { return snapshot_; }
  LogIndex first_index() const { return snap_index_ + 1; }
  LogIndex last_index() const { return snap_index_ + entries_.size(); }
  Term last_term() const { return term_at(last_index()); }

  // True if index is in [snapshot_index(), last_index()].
  bool has(LogIndex i) const { return i >= snap_index_ && i <= last_index(); }
  Term term_at(LogIndex i) const {
    LEASESIM_ASSERT(has(i), "term_at outside the log");
    return i == snap_index_ ? snap_term_ : entries_[i - snap_index_ - 1].term;
  }
  const LogEntry& at(LogIndex i) const {
    LEASESIM_ASSERT(i > snap_index_ && i <= last_index(), "log index out of range");
    return entries_[i - snap_index_ - 1];
  }

  void append(const LogEntry& e) { entries_.push_back(e); }
  // Removes every entry after `i`. Precondition: i >= snapshot_index().
  void truncate_after(LogIndex i);
  // Folds entries up to `upto` into a snapshot. Precondition: upto is in
  // the log and `items` reflect exactly entries <= upto.
  void compact(LogIndex upto, std::vector<SnapshotItem> items);
  // Replaces the log by a snapshot received from the leader. Entries after
  // `index` are kept if the log agrees at `index`, dropped otherwise.
  void install(LogIndex index, Term term, std::vector<SnapshotItem> items);

  size_t entry_count() const { return entries_.size(); }

 private:
  LogIndex snap_index_ = 0;
  Term snap_term_ = 0;
  std::vector<SnapshotItem> snapshot_;
  std::vector<LogEntry> entries_;
};

}  // namespace leasesim::raft
