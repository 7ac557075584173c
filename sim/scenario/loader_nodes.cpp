// The numbering of every node (servers, the protocol's other nodes,
// requestors) and the checks on their names.
#include <string>

#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

bool Loader::add_node_name(const std::string& name, NodeId id) {
  const auto origin = [&](NodeId n) { return block_.origin ? block_.origin(n) : std::string(); };
  if (name == "leader") {
    error(origin(id),
          jquote(name) + " is a reserved name (fault targets use it for the current leader)");
    return false;
  }
  for (const auto& [reserved, why] : block_.reserved) {
    if (name == reserved) {
      error(origin(id), jquote(name) + " is a reserved name (" + why + ")");
      return false;
    }
  }
  const auto [it, inserted] = node_ids_.emplace(name, id);
  if (!inserted) {
    error(origin(id),
          "duplicate node name " + jquote(name) + " (also at " + origin(it->second) + ")");
    return false;
  }
  return true;
}

void Loader::number_nodes() {
  node_ids_.clear();
  node_ids_.reserve(s_.node_count() + 1);
  NodeId id = 0;
  for (const std::string& n : s_.servers) add_node_name(n, id++);
  // The protocol's own nodes have names it chose (reserved for them).
  for (const std::string& n : s_.others) node_ids_.emplace(n, id++);
  for (const std::string& n : s_.requestors) add_node_name(n, id++);
}

}  // namespace leasesim::scenario_detail
