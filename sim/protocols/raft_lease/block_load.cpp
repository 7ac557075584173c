// Reading raft-lease's block: the preset and knobs, the core, the lease
// defaults and the requestor groups, with the loader's diagnostics.
#include <algorithm>
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/format/ranges.hpp"

namespace leasesim::raft_lease::block {

namespace lim = scenario_limits;
using format::check_range_order;
using format::field_value;
using format::FieldValue;
using format::get_bool;
using format::get_duration;
using format::get_enum;
using format::get_string;
using format::get_u32;
using format::get_uint;
using format::member;
using format::read_range;
using format::to_uint;

namespace {

// One entry of "requestors" (or the default requestor).
struct RequestorGroup {
  enum class Naming : uint8_t { kDefault, kName, kNames, kCount };
  std::string path;  // "/requestors/3", or "" for the default requestor
  Naming naming = Naming::kDefault;
  std::vector<std::string> names;  // kDefault, kName, kNames
  std::string prefix;              // kCount
  size_t first = 0;                // index of its first requestor
  size_t count = 0;
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
    const auto it = std::upper_bound(groups->begin(), groups->end(), r,
                                     [](size_t v, const RequestorGroup& g) { return v < g.first; });
    const RequestorGroup& g = *(it - 1);
    switch (g.naming) {
      case RequestorGroup::Naming::kDefault:
        return "the default requestor";
      case RequestorGroup::Naming::kName:
        return g.path + "/name";
      case RequestorGroup::Naming::kNames:
        return g.path + "/names/" + std::to_string(r - g.first);
      case RequestorGroup::Naming::kCount:
        return g.path + "/count";
    }
    return "";
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
  const Type* rt = t_.requestor;
  out->path = path;
  bool names_ok = true;
  if (g == nullptr) {
    out->naming = RequestorGroup::Naming::kDefault;
    out->names = {"alice"};
    out->count = 1;
  } else {
    const FieldValue name = field_value(g, rt, "name");
    const FieldValue names = field_value(g, rt, "names");
    const FieldValue count = field_value(g, rt, "count");
    const int forms = (name.present ? 1 : 0) + (names.present ? 1 : 0) + (count.present ? 1 : 0);
    if (forms != 1 || !name.valid || !names.valid || !count.valid ||
        !field_value(g, rt, "prefix").valid || !g->is_object()) {
      names_ok = false;
    } else if (name.present) {
      out->naming = RequestorGroup::Naming::kName;
      out->names = {name.value->get<std::string>()};
      out->count = 1;
    } else if (names.present) {
      out->naming = RequestorGroup::Naming::kNames;
      for (const json& n : *names.value) out->names.push_back(n.get<std::string>());
      out->count = out->names.size();
    } else {
      out->naming = RequestorGroup::Naming::kCount;
      get_string(g, rt, "prefix", &out->prefix);
      out->count = to_uint(*count.value);
    }
  }

  RequestorConfig& c = out->config;
  c.options = c_->options;
  const std::string at = path.empty() ? "" : path + "/resources";
  const FieldValue res = field_value(g, rt, "resources");
  if (res.value != nullptr && res.value->is_array()) {
    for (size_t i = 0; i < res.value->size(); ++i) {
      const auto& n = (*res.value)[i].get_ref<const std::string&>();
      const auto it = in_.resource_ids.find(n);
      if (it != in_.resource_ids.end()) {
        c.resources.push_back(it->second);
      } else {
        in_.unknown_resource(diag_, at + "/" + std::to_string(i), n);
      }
    }
  } else if (res.value != nullptr) {  // "all": a range, not a list per requestor
    c.resource_range = static_cast<uint32_t>(in_.resources.size());
  }
  std::string choice;
  if (get_string(g, rt, "choice", &choice)) {
    c.choice = choice == "fixed"   ? ResourceChoice::kFixed
               : choice == "cycle" ? ResourceChoice::kCycle
                                   : ResourceChoice::kRandom;
  } else {
    const size_t wanted = c.resource_range != 0 ? c.resource_range : c.resources.size();
    c.choice = wanted == 1 ? ResourceChoice::kFixed : ResourceChoice::kRandom;
  }
  get_duration(g, rt, "start", &c.start_after);
  if (const FieldValue v = field_value(g, rt, "hold"); v.value != nullptr) {
    read_range(*v.value, t_.hold_range, &c.hold_min, &c.hold_max);
    check_range_order(diag_, path + "/hold", c.hold_min, c.hold_max, "hold");
  }
  if (const FieldValue v = field_value(g, rt, "think"); v.value != nullptr) {
    read_range(*v.value, t_.range, &c.think_min, &c.think_max);
    check_range_order(diag_, path + "/think", c.think_min, c.think_max, "think");
  }
  if (const FieldValue v = field_value(g, rt, "backoff"); v.value != nullptr) {
    read_range(*v.value, t_.range, &c.backoff_min, &c.backoff_max);
    check_range_order(diag_, path + "/backoff", c.backoff_min, c.backoff_max, "backoff");
  }
  c.ttl = lease_ttl_;
  out->ttl_set = get_duration(g, rt, "ttl", &c.ttl);
  c.renew_every = lease_renew_;
  out->renew_set = get_duration(g, rt, "renew_every", &c.renew_every);
  get_duration(g, rt, "request_timeout", &c.request_timeout);
  get_duration(g, rt, "write_every", &c.write_every);
  get_duration(g, rt, "check_to_write", &c.check_to_write);
  get_u32(g, rt, "max_holds", &c.max_holds);
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
  const std::string where = list == nullptr ? "" : "/requestors";
  if (total > lim::kMaxRequestors) {
    diag_.error(where, "expected at most " + format::to_text(lim::kMaxRequestors) +
                           " requestors in all, found " + format::to_text(total));
    out_.requestors_known = false;
    return;
  }
  if (refs > lim::kMaxResourceRefs) {
    diag_.error(where, "expected at most " + format::to_text(lim::kMaxResourceRefs) +
                           " resources summed over all requestors (each requestor's list "
                           "counts), found " +
                           format::to_text(refs) + "; give large groups fewer resources");
    out_.requestors_known = false;
    return;
  }
  std::vector<std::string>& names = out_.nodes.requestors;
  names.reserve(total);
  c_->requestors.reserve(total);
  for (RequestorGroup& g : *groups_) {
    g.first = names.size();
    for (size_t k = 0; k < g.count; ++k) {
      names.push_back(g.naming == RequestorGroup::Naming::kCount ? g.prefix + std::to_string(k + 1)
                                                                 : g.names[k]);
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
