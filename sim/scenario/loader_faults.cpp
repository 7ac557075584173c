// The fault script: each fault's fields, its targets resolved to node and
// resource ids, and the script sorted by time.
#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

bool Loader::get_range(const json* obj, const Type* t, std::string_view key,
                       const std::string& path, Duration* lo, Duration* hi) {
  const FieldValue v = field_value(obj, t, key);
  if (v.value == nullptr) return false;
  if (v.value->is_string()) {
    *lo = *hi = to_duration(*v.value);
    return true;
  }
  *lo = to_duration(v.value->at("min"));
  *hi = to_duration(v.value->at("max"));
  return check_order(path + "/" + std::string(key), *lo, *hi, std::string(key).c_str());
}

bool Loader::read_length(const json* f, const Type* vt, const std::string& path, Fault* fault) {
  Duration lo, hi;
  if (!get_range(f, vt, "duration", path, &lo, &hi)) return false;
  fault->duration = lo;
  if (hi != lo) fault->duration_max = hi;
  return true;
}

bool Loader::resolve_node(const json* j, const std::string& path, NodeId* out) {
  if (j == nullptr || !j->is_string() || !is_node_name(j->get_ref<const std::string&>())) {
    return false;  // missing or malformed: reported by the structural check
  }
  const auto& name = j->get_ref<const std::string&>();
  const auto it = node_ids_.find(name);
  if (it == node_ids_.end()) {
    if (nodes_known()) unknown_node(path, name);
    return false;
  }
  *out = it->second;
  return true;
}

bool Loader::resolve_target(const json* j, const std::string& path, FaultTarget* out) {
  if (j == nullptr || !j->is_string() || !is_target(j->get_ref<const std::string&>())) {
    return false;
  }
  const auto& text = j->get_ref<const std::string&>();
  constexpr std::string_view kHolder = "holder:";
  if (text == "leader") {
    *out = FaultTarget{FaultTarget::Kind::kLeader, kInvalidNode, kNoResource};
    return true;
  }
  if (text.rfind(kHolder, 0) == 0) {
    const std::string resource = text.substr(kHolder.size());
    const auto it = resource_ids_.find(resource);
    if (it == resource_ids_.end()) {
      if (resources_known_) unknown_resource(path, resource);
      return false;
    }
    *out = FaultTarget{FaultTarget::Kind::kHolderOf, kInvalidNode, it->second};
    return true;
  }
  NodeId id = kInvalidNode;
  if (!resolve_node(j, path, &id)) return false;
  *out = FaultTarget{FaultTarget::Kind::kNode, id, kNoResource};
  return true;
}

void Loader::read_faults() {
  const json* list = doc_member("faults");
  s_.faults.clear();
  fault_index_.clear();
  if (list == nullptr || !list->is_array() || list->size() > scenario_limits::kMaxFaults) return;
  std::vector<Fault> faults;
  std::vector<size_t> index;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& f = (*list)[i];
    const std::string path = "/faults/" + std::to_string(i);
    if (!f.is_object()) continue;
    const auto kind_it = f.find("kind");
    if (kind_it == f.end() || !kind_it->is_string()) continue;
    size_t k = 0;
    const auto& kind = kind_it->get_ref<const std::string&>();
    while (k < t_.fault_variants.size() && kind != to_string(static_cast<FaultKind>(k))) ++k;
    if (k == t_.fault_variants.size()) continue;  // reported by the structural check
    const Type* vt = t_.fault_variants[k];
    Fault fault;
    fault.kind = static_cast<FaultKind>(k);
    fault.origin = path;
    bool ok = true;
    Duration at;
    Duration at_max;
    if (get_range(&f, vt, "at", path, &at, &at_max)) {
      fault.at = TimePoint::origin() + at;
      if (at_max != at) fault.at_max = TimePoint::origin() + at_max;
      if (duration_known_ && at_max >= s_.duration) {
        // A range is past the end by its upper bound: name that, not the object.
        const json& at_json = f.at("at");
        const bool range = at_json.is_object() && at_json.contains("max");
        error(path + (range ? "/at/max" : "/at"),
              "expected a time before the end of the run (duration " +
                  render_found(doc_.at("duration")) + "), found " +
                  render_found(range ? at_json.at("max") : at_json));
        ok = false;
      }
    } else {
      ok = false;
    }
    auto target = [&](const char* key, FaultTarget* out) {
      if (!resolve_target(member(&f, vt, key), path + "/" + key, out)) ok = false;
    };
    switch (fault.kind) {
      case FaultKind::kCrash:
        target("target", &fault.target);
        read_length(&f, vt, path, &fault);
        break;
      case FaultKind::kRestart:
      case FaultKind::kIsolate:
        target("target", &fault.target);
        break;
      case FaultKind::kPause:
        target("target", &fault.target);
        ok = read_length(&f, vt, path, &fault) && ok;
        break;
      case FaultKind::kPartition: {
        const FieldValue groups = field_value(&f, vt, "groups");
        if (groups.value == nullptr) {
          ok = false;
          break;
        }
        // Target text -> where it first appeared.
        std::unordered_map<std::string, std::string> seen;
        for (size_t g = 0; g < groups.value->size(); ++g) {
          const json& members = (*groups.value)[g];
          std::vector<FaultTarget> group;
          for (size_t m = 0; m < members.size(); ++m) {
            const std::string mpath =
                path + "/groups/" + std::to_string(g) + "/" + std::to_string(m);
            const auto& text = members[m].get_ref<const std::string&>();
            const auto [it, inserted] = seen.emplace(text, mpath);
            if (!inserted) {
              error(mpath, "expected each node in at most one group, found " + jquote(text) +
                               " again (also at " + it->second + ")");
              ok = false;
              continue;
            }
            FaultTarget t;
            if (resolve_target(&members[m], mpath, &t)) {
              group.push_back(t);
            } else {
              ok = false;
            }
          }
          fault.groups.push_back(std::move(group));
        }
        break;
      }
      case FaultKind::kCut:
        target("from", &fault.from);
        target("to", &fault.to);
        if (ok && f.at("from") == f.at("to")) {
          error(path + "/to", "expected a node other than \"from\", found " +
                                  render_found(f.at("to")) + " again");
          ok = false;
        }
        break;
      case FaultKind::kHeal:
        break;
      case FaultKind::kClockStep:
        target("target", &fault.target);
        get_duration(&f, vt, "by", &fault.step);
        break;
      case FaultKind::kDrift: {
        target("target", &fault.target);
        const FieldValue ppm = field_value(&f, vt, "ppm");
        if (ppm.value != nullptr) fault.drift_ppb = ppm_to_ppb(*ppm.value);
        break;
      }
      case FaultKind::kNetwork: {
        read_length(&f, vt, path, &fault);
        get_double(&f, vt, "loss", &fault.loss);
        get_double(&f, vt, "duplicate", &fault.duplicate);
        if (const FieldValue l = field_value(&f, vt, "latency"); l.value != nullptr) {
          fault.latency = read_latency(*l.value, path + "/latency");
        }
        break;
      }
      case FaultKind::kCount:
        break;
    }
    if (!ok) continue;
    faults.push_back(std::move(fault));
    index.push_back(i);
  }
  // Stable by time: faults at the same instant keep their file order.
  std::vector<size_t> order(faults.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return faults[a].at < faults[b].at; });
  s_.faults.reserve(faults.size());
  for (const size_t o : order) {
    s_.faults.push_back(std::move(faults[o]));
    fault_index_.push_back(index[o]);
  }
}

}  // namespace leasesim::scenario_detail
