// The network model (default profile, per-link overrides) and the clocks.
#include <map>
#include <string>
#include <utility>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

LatencyModel Loader::read_latency(const json& j, const std::string& pointer) {
  const std::string& dist = j.at("dist").get_ref<const std::string&>();
  const Type* vt = nullptr;
  for (const auto& [tag, variant] : t_.latency->variants) {
    if (tag == dist) vt = variant;
  }
  Duration a, b, floor;
  if (dist == "constant") {
    get_duration(&j, vt, "value", &a);
    return LatencyModel::constant(a);
  }
  if (dist == "uniform") {
    get_duration(&j, vt, "min", &a);
    get_duration(&j, vt, "max", &b);
    check_order(pointer, a, b, "latency");
    return LatencyModel::uniform(a, b);
  }
  if (dist == "exponential") {
    get_duration(&j, vt, "mean", &a);
    get_duration(&j, vt, "floor", &floor);
    return LatencyModel::exponential(a, floor);
  }
  double sigma = 0;
  get_duration(&j, vt, "median", &a);
  get_double(&j, vt, "sigma", &sigma);
  get_duration(&j, vt, "floor", &floor);
  return LatencyModel::lognormal(a, sigma, floor);
}

void Loader::read_network() {
  const json* n = doc_member("network");
  const Type* nt = t_.network;
  LinkProfile& def = s_.network.default_profile;
  if (const FieldValue l = field_value(n, nt, "latency"); l.value != nullptr) {
    def.latency = read_latency(*l.value, l.present ? "/network/latency" : "");
  }
  get_double(n, nt, "loss", &def.loss);
  get_double(n, nt, "duplicate", &def.duplicate);
  bool fifo = true;
  get_bool(n, nt, "fifo_servers", &fifo);
  s_.network.node_count = s_.node_count();
  s_.network.fifo_nodes = fifo ? static_cast<uint32_t>(s_.servers.size()) : 0;
  s_.network.overrides.clear();

  const json* links = member(n, nt, "links");
  if (links == nullptr || !links->is_array() || links->size() > scenario_limits::kMaxLinks) {
    return;
  }
  const Type* lt = t_.link;
  // Directed link -> where it was first overridden.
  std::map<std::pair<NodeId, NodeId>, std::string> seen;
  for (size_t i = 0; i < links->size(); ++i) {
    const json& l = (*links)[i];
    const std::string path = "/network/links/" + std::to_string(i);
    if (!l.is_object()) continue;
    NodeId from = kInvalidNode, to = kInvalidNode;
    const bool ok_from = resolve_node(member(&l, lt, "from"), path + "/from", &from);
    const bool ok_to = resolve_node(member(&l, lt, "to"), path + "/to", &to);
    if (!ok_from || !ok_to) continue;
    if (from == to) {
      error(path + "/to", "expected a node other than \"from\", found " +
                              jquote(l.at("to").get<std::string>()) + " again");
      continue;
    }
    LinkOverride o{from, to, def};
    if (const FieldValue v = field_value(&l, lt, "latency"); v.value != nullptr) {
      o.profile.latency = read_latency(*v.value, path + "/latency");
    }
    get_double(&l, lt, "loss", &o.profile.loss);
    get_double(&l, lt, "duplicate", &o.profile.duplicate);
    bool symmetric = false;
    get_bool(&l, lt, "symmetric", &symmetric);
    auto add = [&](NodeId a, NodeId b) {
      const auto [it, inserted] = seen.emplace(std::make_pair(a, b), path);
      if (!inserted) {
        const auto& names = node_names();
        error(path, "the link " + names[a] + " -> " + names[b] + " is already overridden at " +
                        it->second);
        return;
      }
      LinkOverride d = o;
      d.from = a;
      d.to = b;
      s_.network.overrides.push_back(d);
    };
    add(from, to);
    if (symmetric) add(to, from);
  }
}

void Loader::read_clocks() {
  const json* c = doc_member("clocks");
  const Type* ct = t_.clock;
  ClockSpec def;
  const json* d = member(c, t_.clocks, "default");
  get_duration(d, ct, "offset", &def.offset);
  if (const FieldValue v = field_value(d, ct, "drift_ppm"); v.present && v.value != nullptr) {
    def.drift_ppb = ppm_to_ppb(*v.value);
  }
  s_.clocks.assign(s_.node_count(), def);
  const json* nodes = member(c, t_.clocks, "nodes");
  if (nodes == nullptr || !nodes->is_object()) return;
  for (auto it = nodes->begin(); it != nodes->end(); ++it) {
    const std::string path = "/clocks/nodes/" + pointer_escape(it.key());
    if (!is_node_name(it.key())) continue;  // reported by the structural check
    const auto id = node_ids_.find(it.key());
    if (id == node_ids_.end()) {
      if (nodes_known()) unknown_node(path, it.key());
      continue;
    }
    ClockSpec& spec = s_.clocks[id->second];
    get_duration(&it.value(), ct, "offset", &spec.offset);
    if (const FieldValue v = field_value(&it.value(), ct, "drift_ppm");
        v.present && v.value != nullptr) {
      spec.drift_ppb = ppm_to_ppb(*v.value);
    }
  }
}

}  // namespace leasesim::scenario_detail
