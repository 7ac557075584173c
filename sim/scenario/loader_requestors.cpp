// Requestor groups: their configuration, their expansion into requestors,
// and the numbering of every node (servers, storage, requestors).
#include <algorithm>
#include <string>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

namespace lim = scenario_limits;

namespace {

// A range or single duration read from a union value that passed check().
void read_range(const json& v, const Type* range_type, Duration* lo, Duration* hi) {
  if (v.is_string()) {
    if (v.get_ref<const std::string&>() == "forever") {
      *lo = *hi = Duration::max();
    } else {
      *lo = *hi = to_duration(v);
    }
    return;
  }
  get_duration(&v, range_type, "min", lo);
  get_duration(&v, range_type, "max", hi);
}

}  // namespace

bool Loader::read_group(const json* g, const std::string& path, RequestorGroup* out) {
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
  c.options = s_.options;
  const std::string at = path.empty() ? "" : path + "/resources";
  const FieldValue res = field_value(g, rt, "resources");
  if (res.value != nullptr && res.value->is_array()) {
    for (size_t i = 0; i < res.value->size(); ++i) {
      const auto& n = (*res.value)[i].get_ref<const std::string&>();
      const auto it = resource_ids_.find(n);
      if (it != resource_ids_.end()) {
        c.resources.push_back(it->second);
      } else if (resources_known_) {
        unknown_resource(at + "/" + std::to_string(i), n);
      }
    }
  } else if (res.value != nullptr) {  // "all": a range, not a list per requestor
    c.resource_range = static_cast<uint32_t>(s_.resources.size());
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
    check_order(path + "/hold", c.hold_min, c.hold_max, "hold");
  }
  if (const FieldValue v = field_value(g, rt, "think"); v.value != nullptr) {
    read_range(*v.value, t_.range, &c.think_min, &c.think_max);
    check_order(path + "/think", c.think_min, c.think_max, "think");
  }
  if (const FieldValue v = field_value(g, rt, "backoff"); v.value != nullptr) {
    read_range(*v.value, t_.range, &c.backoff_min, &c.backoff_max);
    check_order(path + "/backoff", c.backoff_min, c.backoff_max, "backoff");
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

void Loader::read_requestors() {
  const json* list = member(&doc_, t_.root, "requestors");
  groups_.clear();
  if (list == nullptr) {
    groups_.emplace_back();
    read_group(nullptr, "", &groups_.back());
  } else if (!list->is_array() || list->size() > lim::kMaxRequestors) {
    requestors_known_ = false;
    return;
  } else {
    groups_.resize(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      if (!read_group(&(*list)[i], "/requestors/" + std::to_string(i), &groups_[i])) {
        requestors_known_ = false;
      }
    }
  }
  if (!requestors_known_) return;
  expand_groups(list);
}

void Loader::expand_groups(const json* list) {
  uint64_t total = 0;
  uint64_t refs = 0;
  for (const RequestorGroup& g : groups_) {
    total += g.count;
    refs += g.count * g.config.resources.size();
  }
  const std::string where = list == nullptr ? "" : "/requestors";
  if (total > lim::kMaxRequestors) {
    error(where, "expected at most " + to_text(lim::kMaxRequestors) + " requestors in all, found " +
                     to_text(total));
    requestors_known_ = false;
    return;
  }
  if (refs > lim::kMaxResourceRefs) {
    error(where, "expected at most " + to_text(lim::kMaxResourceRefs) +
                     " resources summed over all requestors (each requestor's list counts), "
                     "found " +
                     to_text(refs) + "; give large groups fewer resources");
    requestors_known_ = false;
    return;
  }
  s_.requestors.clear();
  s_.requestors.reserve(total);
  for (RequestorGroup& g : groups_) {
    g.first = s_.requestors.size();
    for (size_t k = 0; k < g.count; ++k) {
      RequestorSpec spec;
      spec.name = g.naming == RequestorGroup::Naming::kCount ? g.prefix + std::to_string(k + 1)
                                                             : g.names[k];
      spec.config = g.config;
      s_.requestors.push_back(std::move(spec));
    }
  }
}

std::string Loader::node_origin(NodeId id) const {
  if (id < s_.servers.size()) {
    return servers_listed_ ? "/core/servers/" + std::to_string(id) : "/core/servers";
  }
  if (id == s_.storage_id()) return "the storage node";
  const size_t r = id - s_.requestor_id(0);
  const auto it = std::upper_bound(groups_.begin(), groups_.end(), r,
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
}

bool Loader::add_node_name(const std::string& name, NodeId id) {
  if (name == "leader" || name == "storage") {
    error(node_origin(id), jquote(name) + " is a reserved name" +
                               (name == "leader" ? " (fault targets use it for the current leader)"
                                                 : " (it names the storage node)"));
    return false;
  }
  const auto [it, inserted] = node_ids_.emplace(name, id);
  if (!inserted) {
    error(node_origin(id),
          "duplicate node name " + jquote(name) + " (also at " + node_origin(it->second) + ")");
    return false;
  }
  return true;
}

void Loader::number_nodes() {
  s_.storage = false;
  for (const RequestorGroup& g : groups_) {
    if (g.config.write_every > Duration::zero() && g.count > 0) s_.storage = true;
  }
  node_ids_.clear();
  node_ids_.reserve(s_.node_count() + 1);
  for (size_t i = 0; i < s_.servers.size(); ++i) {
    add_node_name(s_.servers[i], static_cast<NodeId>(i));
  }
  if (s_.storage) node_ids_.emplace("storage", s_.storage_id());
  for (size_t i = 0; i < s_.requestors.size(); ++i) {
    add_node_name(s_.requestors[i].name, s_.requestor_id(i));
  }
}

}  // namespace leasesim::scenario_detail
