// Reading raft-lease's block: the preset and knobs, the core, the lease
// defaults and the requestor groups, with the loader's diagnostics.
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"

namespace leasesim::raft_lease::block {

namespace lim = scenario_limits;
using format::field_value;
using format::FieldValue;
using format::get_bool;
using format::get_duration;
using format::get_enum;
using format::get_string;
using format::get_uint;
using format::member;

namespace {

// One entry of "requestors" (or the default requestor).
struct RequestorGroup : workload::GroupNames {
  bool ttl_set = false;    // ttl given in the group
  bool renew_set = false;  // renew_every given in the group
  RequestorConfig config;  // the shared configuration
};

class Reader {
 public:
  Reader(const BlockInput& in, format::Sink& diag) : in_(in), diag_(diag), t_(tables()) {}
  BlockOutput run();

 private:
  const json* top(std::string_view key) const {
    const json& d = in_.doc;
    if (!d.is_object()) return nullptr;
    const auto it = d.find(std::string(key));
    return it == d.end() ? nullptr : &*it;
  }
  void read_protocol();
  void read_core();
  void read_lease();
  void read_requestors();
  bool read_group(const json* g, const std::string& path, RequestorGroup* out);
  void expand_groups(const json* list);
  void check_max_ttl();

  const BlockInput& in_;
  format::Sink& diag_;
  const Tables& t_;
  std::shared_ptr<Config> c_ = std::make_shared<Config>();
  BlockOutput out_;
  bool servers_listed_ = false;
  std::function<void(format::Sink&)> core_checks_;
  Duration lease_ttl_ = seconds(5);
  Duration lease_renew_ = Duration(seconds(5).ns() / 3);
  std::optional<Duration> max_ttl_;
  std::shared_ptr<std::vector<RequestorGroup>> groups_ =
      std::make_shared<std::vector<RequestorGroup>>();
};

BlockOutput Reader::run() {
  c_->resources = static_cast<uint32_t>(in_.resources.size());
  read_protocol();
  read_core();
  read_lease();
  read_requestors();
  c_->storage = false;
  for (const RequestorGroup& g : *groups_) {
    if (g.config.write_every > Duration::zero() && g.count > 0) c_->storage = true;
  }
  if (c_->storage) out_.nodes.others = {"storage"};
  check_max_ttl();
  out_.reserved = {{"storage", "it names the storage node"}};
  // Where each name comes from, for duplicate-name messages.
  const uint32_t servers = c_->servers;
  const bool listed = servers_listed_;
  const size_t first_requestor = c_->requestor_id(0);
  auto groups = groups_;
  const raft::CoreBlockTypes* core = &t_.core;
  out_.origin = [servers, listed, first_requestor, groups, core](NodeId id) -> std::string {
    if (id < servers) return raft::server_origin(*core, listed, id);
    if (id < first_requestor) return "the storage node";
    const size_t r = id - first_requestor;
    const RequestorGroup& g = workload::group_of(*groups, r);
    return g.member_origin(r - g.first);
  };
  std::vector<GroupTiming> timing;
  for (const RequestorGroup& g : *groups_)
    timing.push_back({g.path, g.ttl_set, g.renew_set, g.config.ttl, g.config.renew_every});
  auto core_checks = std::move(core_checks_);
  auto requestor_checks = requestor_timing_checks(std::move(timing));
  out_.late_checks = [core_checks, requestor_checks](format::Sink& diag) {
    core_checks(diag);
    requestor_checks(diag);
  };
  out_.preset = c_->preset;
  out_.config = c_;
  return std::move(out_);
}

void Reader::read_protocol() {
  const json* p = top("protocol");
  get_string(p, t_.protocol, "preset", &c_->preset);
  LeaseOptions o;
  if (!preset_options(c_->preset, &o)) o = LeaseOptions{};
  const json* k = member(p, t_.protocol, "knobs");
  const Type* kt = t_.knobs;
  get_enum(k, kt, "anchor", {ExpiryAnchor::kSend, ExpiryAnchor::kReceipt}, &o.anchor);
  const json* m = member(k, kt, "margin");
  get_enum(m, t_.margin, "kind", {MarginKind::kNone, MarginKind::kFixed, MarginKind::kDriftBound},
           &o.margin.kind);
  get_duration(m, t_.margin, "fixed", &o.margin.fixed);
  uint64_t ppm = 0;
  if (get_uint(m, t_.margin, "drift_ppm", &ppm)) o.margin.drift_ppm = static_cast<int64_t>(ppm);
  get_enum(k, kt, "renewals", {RenewalPath::kLogged, RenewalPath::kMemory}, &o.renewals);
  get_enum(k, kt, "failover",
           {FailoverPolicy::kExtendTtl, FailoverPolicy::kExtendTtlPlusElection,
            FailoverPolicy::kWaitMaxTtl, FailoverPolicy::kTrustLog},
           &o.failover);
  get_enum(k, kt, "grant_reply", {GrantReply::kAfterCommit, GrantReply::kImmediate},
           &o.grant_reply);
  if (const FieldValue cq = field_value(k, kt, "check_quorum"); cq.value != nullptr) {
    // Booleans are the original spelling: true is etcd's tick.
    if (cq.value->is_boolean()) {
      o.check_quorum = cq.value->get<bool>() ? QuorumCheck::kTick : QuorumCheck::kOff;
    } else {
      const std::string& v = cq.value->get_ref<const std::string&>();
      for (const QuorumCheck q : {QuorumCheck::kOff, QuorumCheck::kTick, QuorumCheck::kDeadline})
        if (v == to_string(q)) o.check_quorum = q;
    }
  }
  get_enum(k, kt, "keying", {LeaseKeying::kLeaseId, LeaseKeying::kResource}, &o.keying);
  get_bool(k, kt, "fencing", &o.fencing);
  get_duration(k, kt, "lock_delay", &o.lock_delay);
  const json* sq = member(k, kt, "sequencer");
  get_bool(sq, t_.sequencer, "check", &o.sequencer.check);
  get_duration(sq, t_.sequencer, "window", &o.sequencer.window);
  get_enum(k, kt, "leader_clock", {ClockKind::kMonotonic, ClockKind::kWall}, &o.leader_clock);
  get_enum(k, kt, "holder_clock", {ClockKind::kMonotonic, ClockKind::kWall}, &o.holder_clock);
  c_->options = o;
}

void Reader::read_core() {
  raft::CoreBlock core = raft::read_core_block(top("core"), t_.core, &out_);
  c_->servers = core.servers;
  c_->core = core.settings;
  servers_listed_ = core.servers_listed;
  core_checks_ = std::move(core.checks);
}

void Reader::read_lease() {
  const json* l = top("lease");
  get_duration(l, t_.lease, "ttl", &lease_ttl_);
  c_->ttl = lease_ttl_;
  lease_renew_ = Duration(lease_ttl_.ns() / 3);
  if (lease_renew_ < lim::kMinInterval) lease_renew_ = lim::kMinInterval;
  get_duration(l, t_.lease, "renew_every", &lease_renew_);
  Duration max_ttl;
  if (get_duration(l, t_.lease, "max_ttl", &max_ttl)) max_ttl_ = max_ttl;
}

bool Reader::read_group(const json* g, const std::string& path, RequestorGroup* out) {
  const workload::GroupTypes& t = t_.requestors;
  const bool names_ok = workload::read_names(g, t.group, path, out);
  RequestorConfig& c = out->config;
  workload::read_workload(g, t, path, in_, diag_, &c);
  c.options = c_->options;
  c.ttl = lease_ttl_;
  out->ttl_set = get_duration(g, t.group, "ttl", &c.ttl);
  c.renew_every = lease_renew_;
  out->renew_set = get_duration(g, t.group, "renew_every", &c.renew_every);
  get_duration(g, t.group, "request_timeout", &c.request_timeout);
  return names_ok;
}

void Reader::read_requestors() {
  const json* list = top("requestors");
  std::vector<RequestorGroup>& groups = *groups_;
  if (list == nullptr) {
    groups.emplace_back();
    read_group(nullptr, "", &groups.back());
  } else if (!list->is_array() || list->size() > lim::kMaxRequestors) {
    out_.requestors_known = false;
    return;
  } else {
    groups.resize(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      if (!read_group(&(*list)[i], "/requestors/" + std::to_string(i), &groups[i])) {
        out_.requestors_known = false;
      }
    }
  }
  if (!out_.requestors_known) return;
  expand_groups(list);
}

void Reader::expand_groups(const json* list) {
  uint64_t total = 0;
  uint64_t refs = 0;
  for (const RequestorGroup& g : *groups_) {
    total += g.count;
    refs += g.count * g.config.resources.size();
  }
  if (!workload::check_totals(total, refs, list == nullptr ? "" : "/requestors",
                              t_.requestors.words, diag_)) {
    out_.requestors_known = false;
    return;
  }
  std::vector<std::string>& names = out_.nodes.requestors;
  names.reserve(total);
  c_->requestors.reserve(total);
  for (RequestorGroup& g : *groups_) {
    g.first = names.size();
    for (size_t k = 0; k < g.count; ++k) {
      names.push_back(g.member_name(k));
      c_->requestors.push_back(g.config);
    }
  }
}

void Reader::check_max_ttl() {
  // The largest ttl any requestor asks for, and where it comes from.
  Duration largest = lease_ttl_;
  std::string from = "/lease/ttl";
  bool any = false;
  for (const RequestorGroup& g : *groups_) {
    if (g.count == 0) continue;
    if (!any || g.config.ttl > largest) {
      largest = g.config.ttl;
      from = g.ttl_set ? g.path + "/ttl" : "/lease/ttl";
    }
    any = true;
  }
  if (!max_ttl_) {
    c_->max_ttl = largest;
    return;
  }
  c_->max_ttl = *max_ttl_;
  if (*max_ttl_ < largest && any) {
    diag_.error("/lease/max_ttl",
                "expected a max_ttl of at least " + format_duration(largest) +
                    ", the largest ttl a requestor asks for (" + from + "), found " +
                    format::render_found(*member(top("lease"), t_.lease, "max_ttl")));
  }
}

}  // namespace

BlockOutput load(const BlockInput& in, format::Sink& diag) {
  Reader r(in, diag);
  return r.run();
}

}  // namespace leasesim::raft_lease::block
