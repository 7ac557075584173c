#include "leasesim/protocols/builtin.hpp"

#include "leasesim/protocol/registry.hpp"
#include "leasesim/protocols/kv_lease/module.hpp"
#include "leasesim/protocols/raft_lease/module.hpp"
#include "leasesim/protocols/session_lease/module.hpp"

namespace leasesim {

void register_builtin_protocols() {
  register_protocol(raft_lease::module());
  register_protocol(kv_lease::module());
  register_protocol(session_lease::module());
}

}  // namespace leasesim
