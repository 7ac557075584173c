#include "leasesim/check/metrics_observer.hpp"

#include <algorithm>

namespace leasesim {

MetricsObserver::MetricsObserver(uint32_t resources, uint32_t nodes, const SafetyChecker& beliefs,
                                 const RoleView& roles)
    : beliefs_(beliefs), roles_(roles), wanted_(resources), wants_(nodes), written_(nodes) {
  metrics_.resources.resize(resources);
}

void MetricsObserver::account(ResourceId res, TimePoint now) {
  Wanted& w = wanted_[res];
  if (now <= w.accounted) return;
  // Since `accounted` the waiters did not change and nobody started
  // holding (both call this first), so if nobody holds now the resource
  // was free from the latest segment end on.
  const TimePoint hold_end = beliefs_.hold_end(res);
  if (w.waiters > 0 && hold_end <= now) {
    const TimePoint free_from = std::max({w.accounted, beliefs_.last_end(res), hold_end});
    if (now > free_from) metrics_.resources[res].wanted_free += now - free_from;
  }
  w.accounted = now;
}

void MetricsObserver::stop_wanting(NodeId n, TimePoint now) {
  Want& w = wants_[n];
  if (w.resource == kNoResource) return;
  account(w.resource, now);
  Wanted& wd = wanted_[w.resource];
  if (wd.waiters > 0) --wd.waiters;
  w.resource = kNoResource;
}

void MetricsObserver::want(NodeId n, ResourceId res, TimePoint now) {
  // A retry after a refusal continues the same wait.
  if (wants_[n].resource == res) return;
  stop_wanting(n, now);
  account(res, now);
  wants_[n] = Want{res, now};
  ++wanted_[res].waiters;
}

void MetricsObserver::belief_begin(NodeId n, ResourceId res, TimePoint now) {
  account(res, now);
  ++metrics_.beliefs;
  ++metrics_.resources[res].grants;
  const Want& w = wants_[n];
  if (w.resource == res) {
    acquire_samples_.push_back((now - w.since).ns());
    // A handoff if nobody holds it now and someone else held it last,
    // while this requestor was already waiting.
    const SafetyChecker::Holding h = beliefs_.holding(res, now);
    if (!h.held && h.last_holder != kInvalidNode && h.last_holder != n && w.since <= h.last_end)
      handoff_samples_.push_back((now - h.last_end).ns());
  }
  stop_wanting(n, now);
}

void MetricsObserver::role_changed(const obs::RoleChanged& c) {
  if (c.role == Role::kLeader) ++metrics_.elections;
}

void MetricsObserver::leader_ready(TimePoint now) {
  if (!leaderless_) return;
  failover_samples_.push_back((now - leader_crashed_at_).ns());
  leaderless_ = false;
}

void MetricsObserver::write_sent(NodeId n, const obs::WriteSent& w, TimePoint now) {
  std::vector<SentWrite>& sent = written_[n];
  if (sent.size() == kWritesTracked) sent.erase(sent.begin());
  sent.push_back(SentWrite{w.write, now});
}

void MetricsObserver::write_accepted(const obs::WriteAccepted& a, TimePoint now) {
  ++metrics_.writes_accepted;
  std::vector<SentWrite>& sent = written_[a.writer];
  for (size_t i = 0; i < sent.size(); ++i) {
    if (sent[i].id != a.write) continue;
    write_samples_.push_back((now - sent[i].at).ns());
    sent.erase(sent.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
}

void MetricsObserver::on_crash(NodeId n, TimePoint now) {
  if (n == roles_.leader()) {
    ++metrics_.leader_crashes;
    leader_crashed_at_ = now;
    leaderless_ = true;
  }
  stop_wanting(n, now);
}

void MetricsObserver::finish() {
  metrics_.acquire_latency = Distribution::of(std::move(acquire_samples_));
  metrics_.handoff_gap = Distribution::of(std::move(handoff_samples_));
  metrics_.failover = Distribution::of(std::move(failover_samples_));
  metrics_.write_latency = Distribution::of(std::move(write_samples_));
  Duration held, wanted_free;
  for (const ResourceMetrics& m : metrics_.resources) {
    held += m.held;
    wanted_free += m.wanted_free;
  }
  metrics_.availability =
      (held + wanted_free) > Duration::zero()
          ? static_cast<double>(held.ns()) / static_cast<double>((held + wanted_free).ns())
          : 1.0;
}

}  // namespace leasesim
