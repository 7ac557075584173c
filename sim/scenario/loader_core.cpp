// The semantic pass: its driver and the top-level sections (name, seed,
// duration, protocol, core, resources, lease, expect).
#include <string>

#include "leasesim/check/violation.hpp"
#include "leasesim/protocol/options.hpp"
#include "leasesim/protocol/registry.hpp"
#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

std::optional<Scenario> Loader::run(const std::string& file) {
  s_.file = file;
  check(*t_.root, doc_, root_path(), sink_);
  if (!doc_.is_object()) return std::nullopt;
  read_top();
  read_protocol();
  read_core();
  read_resources();
  read_lease();
  read_requestors();
  number_nodes();
  check_max_ttl();
  read_network();
  read_clocks();
  read_faults();
  read_expect();
  read_explore();
  check_core_timing();
  check_requestor_timing();
  check_event_budget();
  check_fault_script();
  if (sink_->error_count() > 0) return std::nullopt;
  return std::move(s_);
}

void Loader::read_top() {
  get_string(&doc_, t_.root, "name", &s_.name);
  get_string(&doc_, t_.root, "description", &s_.description);
  get_uint(&doc_, t_.root, "seed", &s_.seed);
  duration_known_ = get_duration(&doc_, t_.root, "duration", &s_.duration);
}

namespace {

// Reads a knob: a string field whose values are to_string() of E.
template <typename E>
void knob(const json* obj, const Type* t, std::string_view key, std::initializer_list<E> values,
          E* out) {
  std::string s;
  if (!get_string(obj, t, key, &s)) return;
  for (const E v : values) {
    if (s == to_string(v)) *out = v;
  }
}

}  // namespace

void Loader::read_protocol() {
  const json* p = member(&doc_, t_.root, "protocol");
  get_string(p, t_.protocol, "name", &s_.protocol);
  get_string(p, t_.protocol, "preset", &s_.preset);
  LeaseOptions o;
  if (!preset_options(s_.preset, &o)) o = LeaseOptions{};
  const json* k = member(p, t_.protocol, "knobs");
  const Type* kt = t_.knobs;
  knob(k, kt, "anchor", {ExpiryAnchor::kSend, ExpiryAnchor::kReceipt}, &o.anchor);
  const json* m = member(k, kt, "margin");
  knob(m, t_.margin, "kind", {MarginKind::kNone, MarginKind::kFixed, MarginKind::kDriftBound},
       &o.margin.kind);
  get_duration(m, t_.margin, "fixed", &o.margin.fixed);
  uint64_t ppm = 0;
  if (get_uint(m, t_.margin, "drift_ppm", &ppm)) o.margin.drift_ppm = static_cast<int64_t>(ppm);
  knob(k, kt, "renewals", {RenewalPath::kLogged, RenewalPath::kMemory}, &o.renewals);
  knob(k, kt, "failover",
       {FailoverPolicy::kExtendTtl, FailoverPolicy::kExtendTtlPlusElection,
        FailoverPolicy::kWaitMaxTtl, FailoverPolicy::kTrustLog},
       &o.failover);
  knob(k, kt, "grant_reply", {GrantReply::kAfterCommit, GrantReply::kImmediate}, &o.grant_reply);
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
  knob(k, kt, "keying", {LeaseKeying::kLeaseId, LeaseKeying::kResource}, &o.keying);
  get_bool(k, kt, "fencing", &o.fencing);
  get_duration(k, kt, "lock_delay", &o.lock_delay);
  const json* sq = member(k, kt, "sequencer");
  get_bool(sq, t_.sequencer, "check", &o.sequencer.check);
  get_duration(sq, t_.sequencer, "window", &o.sequencer.window);
  knob(k, kt, "leader_clock", {ClockKind::kMonotonic, ClockKind::kWall}, &o.leader_clock);
  knob(k, kt, "holder_clock", {ClockKind::kMonotonic, ClockKind::kWall}, &o.holder_clock);
  s_.options = o;
}

void Loader::read_core() {
  const json* c = member(&doc_, t_.root, "core");
  const FieldValue servers = field_value(c, t_.core, "servers");
  s_.servers.clear();
  if (servers.value == nullptr) {
    servers_known_ = false;
    for (int i = 1; i <= 3; ++i) s_.servers.push_back("n" + std::to_string(i));
  } else if (servers.value->is_array()) {
    servers_listed_ = true;
    for (const json& n : *servers.value) s_.servers.push_back(n.get<std::string>());
  } else {
    const uint64_t n = to_uint(*servers.value);
    for (uint64_t i = 1; i <= n; ++i) s_.servers.push_back("n" + std::to_string(i));
  }
  const json* e = member(c, t_.core, "election_timeout");
  get_duration(e, t_.election, "min", &s_.election_min);
  get_duration(e, t_.election, "max", &s_.election_max);
  get_duration(c, t_.core, "heartbeat", &s_.heartbeat);
  get_u32(c, t_.core, "snapshot_every", &s_.snapshot_threshold);
  get_u32(c, t_.core, "max_append_entries", &s_.max_append_entries);
}

void Loader::read_resources() {
  const FieldValue r = field_value(&doc_, t_.root, "resources");
  s_.resources.clear();
  if (r.value == nullptr) {
    resources_known_ = false;
    return;
  }
  if (r.value->is_array()) {
    for (const json& n : *r.value) s_.resources.push_back(n.get<std::string>());
  } else {
    uint64_t count = 0;
    std::string prefix;
    get_uint(r.value, t_.resource_gen, "count", &count);
    get_string(r.value, t_.resource_gen, "prefix", &prefix);
    s_.resources.reserve(count);
    for (uint64_t i = 1; i <= count; ++i) s_.resources.push_back(prefix + std::to_string(i));
  }
  resource_ids_.reserve(s_.resources.size());
  for (size_t i = 0; i < s_.resources.size(); ++i) {
    resource_ids_.emplace(s_.resources[i], static_cast<ResourceId>(i));
  }
}

void Loader::read_lease() {
  const json* l = member(&doc_, t_.root, "lease");
  get_duration(l, t_.lease, "ttl", &lease_ttl_);
  s_.ttl = lease_ttl_;
  lease_renew_ = Duration(lease_ttl_.ns() / 3);
  if (lease_renew_ < scenario_limits::kMinInterval) lease_renew_ = scenario_limits::kMinInterval;
  get_duration(l, t_.lease, "renew_every", &lease_renew_);
  Duration max_ttl;
  if (get_duration(l, t_.lease, "max_ttl", &max_ttl)) max_ttl_ = max_ttl;
}

void Loader::read_expect() {
  const json* e = member(&doc_, t_.root, "expect");
  const Type* et = t_.expect;
  std::string safety;
  const bool has_safety = get_string(e, et, "safety", &safety);
  if (has_safety) {
    s_.expect.safety =
        safety == "holds" ? Expectation::Safety::kHolds : Expectation::Safety::kViolation;
  }
  const FieldValue v = field_value(e, et, "violations");
  if (v.value != nullptr) {
    for (const json& k : *v.value) s_.expect.violation_kinds.push_back(k.get<std::string>());
  }
  if (v.present && has_safety && s_.expect.safety != Expectation::Safety::kViolation) {
    error("/expect/violations",
          "\"violations\" is only allowed with \"safety\": \"violation\", "
          "found \"safety\": " +
              jquote(safety));
  } else if (v.present && member(e, et, "safety") == nullptr) {
    error("/expect/violations",
          "\"violations\" is only allowed with \"safety\": \"violation\", found no \"safety\"");
  }
  double availability = 0;
  if (get_double(e, et, "min_availability", &availability)) {
    s_.expect.min_availability = availability;
  }
  uint64_t n = 0;
  if (get_uint(e, et, "min_grants", &n)) s_.expect.min_grants = n;
  if (get_uint(e, et, "max_elections", &n)) s_.expect.max_elections = n;
}

bool Loader::check_order(const std::string& pointer, Duration lo, Duration hi, const char* what) {
  if (lo <= hi) return true;
  error(pointer, std::string("expected ") + what + " min <= max, found min " + format_duration(lo) +
                     " > max " + format_duration(hi));
  return false;
}

const std::vector<std::string>& Loader::node_names() {
  if (node_names_.empty()) node_names_ = s_.node_names();
  return node_names_;
}

void Loader::unknown_node(const std::string& pointer, const std::string& name) {
  error(pointer, "unknown node " + jquote(name) + " (nodes: " + join_plain(node_names(), 12) + ")");
}

void Loader::unknown_resource(const std::string& pointer, const std::string& name) {
  error(pointer,
        "unknown resource " + jquote(name) + " (resources: " + join_plain(s_.resources, 12) + ")");
}

}  // namespace leasesim::scenario_detail
