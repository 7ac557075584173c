#include "leasesim/raft/log.hpp"

#include <cstddef>
#include <utility>

namespace leasesim::raft {

void Log::truncate_after(LogIndex i) {
  LEASESIM_ASSERT(i >= snap_index_, "truncating into the snapshot");
  if (i < last_index()) entries_.resize(static_cast<size_t>(i - snap_index_));
}

void Log::compact(LogIndex upto, std::vector<SnapshotItem> items) {
  LEASESIM_ASSERT(upto > snap_index_ && upto <= last_index(), "compacting outside the log");
  const Term t = term_at(upto);
  entries_.erase(entries_.begin(),
                 entries_.begin() + static_cast<std::ptrdiff_t>(upto - snap_index_));
  snap_index_ = upto;
  snap_term_ = t;
  snapshot_ = std::move(items);
}

void Log::install(LogIndex index, Term term, std::vector<SnapshotItem> items) {
  if (index > snap_index_ && index <= last_index() && term_at(index) == term) {
    entries_.erase(entries_.begin(),
                   entries_.begin() + static_cast<std::ptrdiff_t>(index - snap_index_));
  } else {
    entries_.clear();
  }
  snap_index_ = index;
  snap_term_ = term;
  snapshot_ = std::move(items);
}

}  // namespace leasesim::raft
