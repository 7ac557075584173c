// The `timing` block: each node's processing time, timer jitter, durable
// writes and start offset, from the defaults, the group overrides
// (`servers`, `requestors`) and the per-node ones, in that order.
#include <string>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

std::optional<LatencyModel> Loader::read_dist(const json* obj, const Type* t, std::string_view key,
                                              const std::string& path) {
  const FieldValue v = field_value(obj, t, key);
  if (v.value == nullptr || !v.present) return std::nullopt;
  if (v.value->is_string()) return LatencyModel::constant(to_duration(*v.value));
  return read_latency(*v.value, path + "/" + std::string(key));
}

void Loader::read_node_timing(const json* obj, const std::string& path, NodeTiming* out) {
  if (obj == nullptr || !obj->is_object()) return;
  const Type* nt = t_.node_timing;
  if (auto d = read_dist(obj, nt, "processing", path)) out->processing = d;
  if (auto d = read_dist(obj, nt, "timer_jitter", path)) out->timer_jitter = d;
  if (auto d = read_dist(obj, nt, "start", path)) out->start = d;
  const json* disk = member(obj, nt, "disk");
  if (disk != nullptr && disk->is_object()) {
    if (auto d = read_dist(disk, t_.disk, "fsync", path + "/disk")) out->fsync = d;
    get_bool(disk, t_.disk, "group_commit", &out->group_commit);
    get_bool(disk, t_.disk, "send_while_writing", &out->send_while_writing);
  }
}

void Loader::read_timing() {
  s_.timing.nodes.clear();
  const json* t = doc_member("timing");
  if (t == nullptr || !t->is_object()) return;
  // The block's own profile keys are the defaults (the timing table has the
  // node_timing keys too, so one reader does both).
  NodeTiming def;
  {
    const Type* tt = t_.timing;
    if (auto d = read_dist(t, tt, "processing", "/timing")) def.processing = d;
    if (auto d = read_dist(t, tt, "timer_jitter", "/timing")) def.timer_jitter = d;
    if (auto d = read_dist(t, tt, "start", "/timing")) def.start = d;
    const json* disk = member(t, tt, "disk");
    if (disk != nullptr && disk->is_object()) {
      if (auto d = read_dist(disk, t_.disk, "fsync", "/timing/disk")) def.fsync = d;
      get_bool(disk, t_.disk, "group_commit", &def.group_commit);
      get_bool(disk, t_.disk, "send_while_writing", &def.send_while_writing);
    }
  }
  const size_t servers = s_.servers.size();
  const size_t first_requestor = servers + s_.others.size();
  s_.timing.nodes.assign(s_.node_count(), def);
  for (size_t i = 0; i < s_.timing.nodes.size(); ++i) {
    if (i < servers)
      read_node_timing(member(t, t_.timing, "servers"), "/timing/servers", &s_.timing.nodes[i]);
    else if (i >= first_requestor)
      read_node_timing(member(t, t_.timing, "requestors"), "/timing/requestors",
                       &s_.timing.nodes[i]);
  }
  const json* nodes = member(t, t_.timing, "nodes");
  if (nodes == nullptr || !nodes->is_object()) return;
  for (auto it = nodes->begin(); it != nodes->end(); ++it) {
    const std::string path = "/timing/nodes/" + pointer_escape(it.key());
    if (!is_node_name(it.key())) continue;  // reported by the structural check
    const auto id = node_ids_.find(it.key());
    if (id == node_ids_.end()) {
      if (nodes_known()) unknown_node(path, it.key());
      continue;
    }
    read_node_timing(&it.value(), path, &s_.timing.nodes[id->second]);
  }
}

}  // namespace leasesim::scenario_detail
