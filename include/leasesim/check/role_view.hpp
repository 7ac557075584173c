// Who holds which role now, as the records tell it: the current leader and
// its term, and per resource the requestor that last began believing it
// holds it. One view, shared by the world (role-targeted faults: "leader",
// "holder:db") and the metrics observer (a leader's crash starts a
// failover).
//
// The leader is the last server to announce leadership in a term at least
// as high as the highest announced so far: a server that wins an older
// term late (its vote replies were delayed) does not displace the newer
// leader. It stops being the leader when it announces another role or
// crashes; the term is kept, so a later leader must still reach it.
//
// Invariants: leader() is kInvalidNode or a node that announced
// leadership in leader_term() and has neither stepped down nor crashed
// since; holder(r) is kInvalidNode or a node whose latest belief record
// on r was a belief_begin, and which has not crashed since.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim {

class RoleView {
 public:
  explicit RoleView(uint32_t resources) : holder_(resources, kInvalidNode) {}

  // Preconditions (asserted): `res` < the number of resources.
  void on_role(NodeId node, const obs::RoleChanged& r);
  void on_belief_begin(NodeId node, ResourceId res);
  void on_belief_end(NodeId node, ResourceId res);
  // The node lost every role with its volatile state.
  void on_crash(NodeId node);

  NodeId leader() const { return leader_; }  // kInvalidNode: none now
  Term leader_term() const { return leader_term_; }
  NodeId holder(ResourceId res) const;  // kInvalidNode: nobody believes it holds res

 private:
  NodeId leader_ = kInvalidNode;
  Term leader_term_ = 0;
  std::vector<NodeId> holder_;  // per resource
};

}  // namespace leasesim
