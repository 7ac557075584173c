// The semantic pass: its driver and the top-level sections (name, seed,
// duration, resources, the protocol's block through its module, expect).
#include <string>

#include "leasesim/check/violation.hpp"
#include "leasesim/protocol/registry.hpp"
#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

std::optional<Scenario> Loader::run(const std::string& file) {
  s_.file = file;
  const ProtocolModule& m = pick_protocol();
  root_ = root_for(m);
  check(*root_, doc_, root_path(), sink_);
  if (!doc_.is_object()) return std::nullopt;
  read_top();
  read_resources();
  read_protocol_block();
  number_nodes();
  read_network();
  read_clocks();
  read_timing();
  read_faults();
  read_expect();
  read_explore();
  if (block_.late_checks) block_.late_checks(*sink_);
  check_event_budget();
  check_fault_script();
  if (sink_->error_count() > 0) return std::nullopt;
  return std::move(s_);
}

const ProtocolModule& Loader::pick_protocol() {
  // The document names its protocol in protocol.name; a name that is not
  // registered is reported by the structural check (an enum), and the rest
  // of the document is read as the default protocol's to find more errors.
  if (doc_.is_object()) {
    const auto p = doc_.find("protocol");
    if (p != doc_.end() && p->is_object()) {
      const auto n = p->find("name");
      if (n != p->end() && n->is_string()) {
        if (const ProtocolModule* m = find_protocol(n->get_ref<const std::string&>())) return *m;
      }
    }
  }
  return default_protocol();
}

void Loader::read_top() {
  get_string(&doc_, root_, "name", &s_.name);
  get_string(&doc_, root_, "description", &s_.description);
  get_uint(&doc_, root_, "seed", &s_.seed);
  duration_known_ = get_duration(&doc_, root_, "duration", &s_.duration);
}

void Loader::read_resources() {
  const FieldValue r = field_value(&doc_, root_, "resources");
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

void Loader::read_protocol_block() {
  const ProtocolModule& m = pick_protocol();
  BlockInput in{doc_, s_.resources, resource_ids_, resources_known_, std::nullopt};
  if (duration_known_) in.duration = s_.duration;
  block_ = m.load(in, *sink_);
  servers_known_ = block_.servers_known;
  requestors_known_ = block_.requestors_known;
  s_.set_protocol(m, block_.config, block_.preset, std::move(block_.nodes));
  block_.nodes = NodeLayout{};
}

void Loader::read_expect() {
  const json* e = doc_member("expect");
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
  if (v.present && member(e, et, "safety") == nullptr) {
    error("/expect/violations",
          "\"violations\" needs \"safety\" (\"violation\", or \"holds\" with warning kinds "
          "only), found no \"safety\"");
  } else if (v.value != nullptr && has_safety && s_.expect.safety == Expectation::Safety::kHolds) {
    // "holds" with a violation kind contradicts itself; with a warning kind
    // it demands the warning (a latent overlap that stays latent).
    for (size_t i = 0; i < v.value->size(); ++i) {
      ViolationKind kind;
      const std::string& name = (*v.value)[i].get_ref<const std::string&>();
      if (parse_violation_kind(name, &kind) && !is_warning(kind)) {
        error("/expect/violations/" + std::to_string(i),
              "expected a warning kind (\"latent_overlap\") with \"safety\": \"holds\", found " +
                  jquote(name));
      }
    }
  }
  double availability = 0;
  if (get_double(e, et, "min_availability", &availability)) {
    s_.expect.min_availability = availability;
  }
  uint64_t n = 0;
  if (get_uint(e, et, "min_grants", &n)) s_.expect.min_grants = n;
  if (get_uint(e, et, "min_elections", &n)) s_.expect.min_elections = n;
  if (get_uint(e, et, "max_elections", &n)) s_.expect.max_elections = n;
  if (s_.expect.min_elections && s_.expect.max_elections &&
      *s_.expect.min_elections > *s_.expect.max_elections) {
    error("/expect/min_elections", "expected min_elections <= max_elections, found " +
                                       std::to_string(*s_.expect.min_elections) + " > " +
                                       std::to_string(*s_.expect.max_elections));
  }
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
