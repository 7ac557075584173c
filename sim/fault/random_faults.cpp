#include "leasesim/fault/random_faults.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include "leasesim/core/distributions.hpp"
#include "leasesim/core/rng.hpp"

namespace leasesim {

namespace {

constexpr std::array<const char*, static_cast<size_t>(ExploreKind::kCount)> kKindNames = {
    "crash",      "pause", "partition", "cut",       "isolate",
    "clock_step", "drift", "loss",      "duplicate", "latency"};

constexpr size_t kKinds = static_cast<size_t>(ExploreKind::kCount);

FaultTarget node_target(NodeId id) {
  return FaultTarget{FaultTarget::Kind::kNode, id, kNoResource};
}

// Readable schedules: times on whole microseconds, lengths on whole
// milliseconds (shorter only when the room left is shorter).
Duration floor_to(Duration d, Duration unit) {
  return Duration(d.ns() / unit.ns() * unit.ns());
}

// A length in [1ms, min(max, room)] on whole milliseconds; room itself
// (>= 1ns) when less than 1ms is left.
Duration draw_length(Rng& rng, Duration max, Duration room) {
  const Duration hi = std::min(max, room);
  if (hi < milliseconds(1)) return hi;
  return std::max(milliseconds(1),
                  floor_to(uniform_duration(rng, milliseconds(1), hi), milliseconds(1)));
}

// Fisher-Yates with our Rng.
template <typename T>
void shuffle(Rng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.below(i));
    std::swap(v[i - 1], v[j]);
  }
}

class Generator {
 public:
  Generator(const ExploreSpec& spec, const ExploreLayout& layout, uint64_t seed)
      : spec_(spec), layout_(layout), rng_(Rng::for_stream(seed, "explore")) {}

  std::vector<Fault> run() {
    const TimePoint start = TimePoint::origin();
    const TimePoint end = start + layout_.duration;
    lo_ = start + spec_.start_after;
    // The last instant anything may end: before the quiet stretch, and
    // strictly before the end (a fault at the end is not part of the run).
    hi_ = std::min(end - spec_.quiet_after, end - Duration(1));
    if (spec_.max_faults == 0 || hi_ - lo_ < Duration(1)) return {};

    if (!choose_kinds()) return {};
    choose_targets();
    const uint32_t n = static_cast<uint32_t>(
        rng_.uniform_int(spec_.min_faults, std::max(spec_.min_faults, spec_.max_faults)));
    for (uint32_t i = 0; i < n; ++i) one_fault();
    std::stable_sort(out_.begin(), out_.end(),
                     [](const Fault& a, const Fault& b) { return a.at < b.at; });
    return std::move(out_);
  }

 private:
  // Swarm: a random subset of the allowed kinds, each with a weight.
  bool choose_kinds() {
    std::vector<size_t> allowed;
    for (size_t k = 0; k < kKinds; ++k) {
      if (spec_.kinds & (1u << k)) allowed.push_back(k);
    }
    if (allowed.empty()) return false;
    for (const size_t k : allowed) {
      if (rng_.below(2) == 1) weight_[k] = 1 + static_cast<uint32_t>(rng_.below(4));
    }
    total_ = 0;
    for (const uint32_t w : weight_) total_ += w;
    if (total_ == 0) {
      const size_t k = allowed[rng_.below(allowed.size())];
      weight_[k] = 1 + static_cast<uint32_t>(rng_.below(4));
      total_ = weight_[k];
    }
    return true;
  }

  // Swarm over targets too: half the seeds focus on a random subset.
  void choose_targets() {
    std::vector<FaultTarget> all = explore_targets(spec_, layout_);
    if (all.size() > 1 && rng_.below(2) == 1) {
      std::vector<FaultTarget> some;
      for (const FaultTarget& t : all) {
        if (rng_.below(2) == 1) some.push_back(t);
      }
      if (some.empty()) some.push_back(all[rng_.below(all.size())]);
      all = std::move(some);
    }
    targets_ = std::move(all);
    for (const FaultTarget& t : targets_) {
      if (t.kind == FaultTarget::Kind::kLeader) leader_ = true;
      if (t.kind != FaultTarget::Kind::kNode) continue;
      if (t.node < layout_.servers)
        servers_.push_back(t.node);
      else
        others_.push_back(t.node);
    }
  }

  ExploreKind pick_kind() {
    uint64_t x = rng_.below(total_);
    for (size_t k = 0; k < kKinds; ++k) {
      if (x < weight_[k]) return static_cast<ExploreKind>(k);
      x -= weight_[k];
    }
    return ExploreKind::kCrash;  // unreachable: weights sum to total_
  }

  bool on(ExploreKind k) const { return weight_[static_cast<size_t>(k)] > 0; }

  const FaultTarget& any_target() { return targets_[rng_.below(targets_.size())]; }

  Fault make(FaultKind kind, TimePoint at) {
    Fault f;
    f.kind = kind;
    f.at = at;
    f.origin = "explore";
    return f;
  }

  void one_fault() {
    const ExploreKind kind = pick_kind();
    const Duration span = hi_ - lo_;  // >= 1ns
    const TimePoint at =
        lo_ +
        floor_to(uniform_duration(rng_, Duration::zero(), span - Duration(1)), microseconds(1));
    const Duration room = hi_ - at;  // >= 1ns
    switch (kind) {
      case ExploreKind::kCrash: {
        if (targets_.empty()) return;
        Fault f = make(FaultKind::kCrash, at);
        f.target = any_target();
        f.duration = draw_length(rng_, spec_.max_down, room);
        out_.push_back(std::move(f));
        return;
      }
      case ExploreKind::kPause: {
        if (targets_.empty()) return;
        Fault f = make(FaultKind::kPause, at);
        f.target = any_target();
        f.duration = draw_length(rng_, spec_.max_pause, room);
        out_.push_back(std::move(f));
        return;
      }
      case ExploreKind::kPartition:
        if (partition(at)) heal(at, room);
        return;
      case ExploreKind::kCut:
        if (cut(at)) heal(at, room);
        return;
      case ExploreKind::kIsolate: {
        if (targets_.empty()) return;
        Fault f = make(FaultKind::kIsolate, at);
        f.target = any_target();
        out_.push_back(std::move(f));
        heal(at, room);
        return;
      }
      case ExploreKind::kClockStep: {
        if (targets_.empty()) return;
        Fault f = make(FaultKind::kClockStep, at);
        f.target = any_target();
        f.step = floor_to(uniform_duration(rng_, -spec_.max_step, spec_.max_step), microseconds(1));
        out_.push_back(std::move(f));
        return;
      }
      case ExploreKind::kDrift: {
        if (targets_.empty()) return;
        Fault f = make(FaultKind::kDrift, at);
        f.target = any_target();
        f.drift_ppb = rng_.uniform_int(-spec_.drift_ppb, spec_.drift_ppb);
        out_.push_back(std::move(f));
        return;
      }
      case ExploreKind::kLoss:
      case ExploreKind::kDuplicate:
      case ExploreKind::kLatency:
        window(kind, at, room);
        return;
      case ExploreKind::kCount:
        break;
    }
  }

  void heal(TimePoint at, Duration room) {
    out_.push_back(make(FaultKind::kHeal, at + draw_length(rng_, spec_.max_partition, room)));
  }

  // Partitions of several shapes; false if the targets allow none.
  bool partition(TimePoint at) {
    enum Shape { kSplit, kLeaderMinority, kServers, kClients };
    std::vector<Shape> shapes;
    if (servers_.size() + others_.size() >= 2) shapes.push_back(kSplit);
    if (leader_ && servers_.size() >= 3) shapes.push_back(kLeaderMinority);
    if (servers_.size() >= 2) shapes.push_back(kServers);
    if (!servers_.empty() && !others_.empty()) shapes.push_back(kClients);
    if (shapes.empty()) return false;
    Fault f = make(FaultKind::kPartition, at);
    auto add = [&](size_t group, NodeId id) {
      if (f.groups.size() <= group) f.groups.resize(group + 1);
      f.groups[group].push_back(node_target(id));
    };
    switch (shapes[rng_.below(shapes.size())]) {
      case kSplit: {
        // Every targeted server, and each other targeted node with
        // probability 1/2 (one left out reaches everyone), into 2 or 3
        // groups, none empty.
        std::vector<NodeId> members = servers_;
        for (const NodeId id : others_) {
          if (rng_.below(2) == 1) members.push_back(id);
        }
        if (members.size() < 2) members = servers_.size() >= 2 ? servers_ : others_;
        if (members.size() < 2) {
          members = servers_;
          members.insert(members.end(), others_.begin(), others_.end());
        }
        shuffle(rng_, members);
        const size_t groups = std::min<size_t>(members.size(), 2 + rng_.below(2));
        for (size_t i = 0; i < members.size(); ++i) {
          add(i < groups ? i : static_cast<size_t>(rng_.below(groups)), members[i]);
        }
        break;
      }
      case kLeaderMinority: {
        // The leader with fewer than half of the other servers, against the
        // rest: the leader loses its quorum. A server named in both groups
        // counts in the first (the leader's) when the fault fires.
        std::vector<NodeId> members = servers_;
        shuffle(rng_, members);
        const size_t with_leader = rng_.below((members.size() - 1) / 2);
        f.groups.resize(2);
        f.groups[0].push_back(FaultTarget{FaultTarget::Kind::kLeader, kInvalidNode, kNoResource});
        for (size_t i = 0; i < members.size(); ++i) add(i < with_leader ? 0 : 1, members[i]);
        break;
      }
      case kServers: {
        // Servers only, cut into a minority and a majority (or halves);
        // requestors are outside the split and reach both sides.
        std::vector<NodeId> members = servers_;
        shuffle(rng_, members);
        const size_t first = 1 + rng_.below(members.size() - 1);
        for (size_t i = 0; i < members.size(); ++i) add(i < first ? 0 : 1, members[i]);
        break;
      }
      case kClients: {
        // Requestors (all targeted, or one) cut off from the servers.
        for (const NodeId id : servers_) add(0, id);
        if (rng_.below(2) == 1) {
          add(1, others_[rng_.below(others_.size())]);
        } else {
          for (const NodeId id : others_) add(1, id);
        }
        break;
      }
    }
    out_.push_back(std::move(f));
    return true;
  }

  // One to three one-way cuts, each made symmetric with probability 1/2
  // (a symmetric cut between two nodes that both reach a third is the
  // non-transitive "bridge" shape a split cannot express).
  bool cut(TimePoint at) {
    if (targets_.size() < 2) return false;
    const uint64_t count = 1 + rng_.below(3);
    for (uint64_t i = 0; i < count; ++i) {
      const size_t a = static_cast<size_t>(rng_.below(targets_.size()));
      size_t b = static_cast<size_t>(rng_.below(targets_.size() - 1));
      if (b >= a) ++b;
      const bool both = rng_.below(2) == 1;
      Fault f = make(FaultKind::kCut, at);
      f.from = targets_[a];
      f.to = targets_[b];
      out_.push_back(f);
      if (both) {
        std::swap(f.from, f.to);
        out_.push_back(std::move(f));
      }
    }
    return true;
  }

  // A network window led by `kind`, with each other switched-on network
  // ingredient mixed in with probability 1/2.
  void window(ExploreKind kind, TimePoint at, Duration room) {
    Fault f = make(FaultKind::kNetwork, at);
    f.duration = draw_length(rng_, spec_.max_window, room);
    auto use = [&](ExploreKind k) { return k == kind || (on(k) && rng_.below(2) == 1); };
    // Probabilities on a 1/1000 grid, at least 0.001, at most the bound.
    auto probability = [&](double max) {
      const uint64_t steps = static_cast<uint64_t>(max * 1000.0);
      if (steps == 0) return max;
      return static_cast<double>(1 + rng_.below(steps)) / 1000.0;
    };
    if (use(ExploreKind::kLoss)) f.loss = probability(spec_.max_loss);
    if (use(ExploreKind::kDuplicate)) f.duplicate = probability(spec_.max_duplicate);
    if (use(ExploreKind::kLatency)) {
      const Duration top =
          floor_to(uniform_duration(rng_, Duration::zero(), spec_.max_latency), microseconds(1));
      const Duration bottom =
          floor_to(uniform_duration(rng_, Duration::zero(), top), microseconds(1));
      f.latency = LatencyModel::uniform(bottom, top);
    }
    if (f.loss == 0.0 && f.duplicate == 0.0 && !f.latency) {
      // A bound of 0 leaves nothing to change: no fault.
      return;
    }
    out_.push_back(std::move(f));
  }

  const ExploreSpec& spec_;
  const ExploreLayout& layout_;
  Rng rng_;
  TimePoint lo_, hi_;
  std::array<uint32_t, kKinds> weight_{};
  uint32_t total_ = 0;
  std::vector<FaultTarget> targets_;
  std::vector<NodeId> servers_;  // targeted servers
  std::vector<NodeId> others_;   // targeted requestors (and storage)
  bool leader_ = false;          // "leader" is a target
  std::vector<Fault> out_;
};

}  // namespace

const char* to_string(ExploreKind k) {
  const size_t i = static_cast<size_t>(k);
  return i < kKinds ? kKindNames[i] : "?";
}

bool parse_explore_kind(std::string_view name, ExploreKind* out) {
  for (size_t k = 0; k < kKinds; ++k) {
    if (name == kKindNames[k]) {
      *out = static_cast<ExploreKind>(k);
      return true;
    }
  }
  return false;
}

std::vector<FaultTarget> explore_targets(const ExploreSpec& spec, const ExploreLayout& layout) {
  if (!spec.targets.empty()) return spec.targets;
  std::vector<FaultTarget> out;
  for (NodeId id = 0; id < layout.servers; ++id) out.push_back(node_target(id));
  for (const NodeId id : layout.requestors) out.push_back(node_target(id));
  if (layout.servers > 0) {
    out.push_back(FaultTarget{FaultTarget::Kind::kLeader, kInvalidNode, kNoResource});
  }
  const uint32_t holders =
      std::min<uint32_t>(layout.resources, static_cast<uint32_t>(ExploreSpec::kMaxDefaultHolders));
  if (!layout.requestors.empty()) {
    for (uint32_t r = 0; r < holders; ++r) {
      out.push_back(
          FaultTarget{FaultTarget::Kind::kHolderOf, kInvalidNode, static_cast<ResourceId>(r)});
    }
  }
  return out;
}

std::vector<Fault> generate_faults(const ExploreSpec& spec, const ExploreLayout& layout,
                                   uint64_t seed) {
  return Generator(spec, layout, seed).run();
}

}  // namespace leasesim
