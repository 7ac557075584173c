#include "leasesim/check/role_view.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {

void RoleView::on_role(NodeId node, const obs::RoleChanged& r) {
  if (r.role == Role::kLeader) {
    if (r.term >= leader_term_) {
      leader_ = node;
      leader_term_ = r.term;
    }
  } else if (node == leader_) {
    leader_ = kInvalidNode;
  }
}

void RoleView::on_belief_begin(NodeId node, ResourceId res) {
  LEASESIM_ASSERT(res < holder_.size(), "belief on an unknown resource");
  holder_[res] = node;
}

void RoleView::on_belief_end(NodeId node, ResourceId res) {
  LEASESIM_ASSERT(res < holder_.size(), "belief on an unknown resource");
  if (holder_[res] == node) holder_[res] = kInvalidNode;
}

void RoleView::on_crash(NodeId node) {
  for (NodeId& n : holder_)
    if (n == node) n = kInvalidNode;
  if (leader_ == node) leader_ = kInvalidNode;
}

NodeId RoleView::holder(ResourceId res) const {
  LEASESIM_ASSERT(res < holder_.size(), "unknown resource");
  return holder_[res];
}

}  // namespace leasesim
