#include "leasesim/protocol/registry.hpp"

#include <vector>

#include "leasesim/core/assert.hpp"

namespace leasesim {
namespace {

std::vector<const ProtocolModule*>& modules() {
  static std::vector<const ProtocolModule*> list;
  return list;
}

}  // namespace

void register_protocol(const ProtocolModule& module) {
  for (const ProtocolModule* m : modules()) {
    if (m == &module) return;
    LEASESIM_ASSERT(m->name() != module.name(), "two protocol modules with one name");
  }
  modules().push_back(&module);
}

const ProtocolModule* find_protocol(std::string_view name) {
  for (const ProtocolModule* m : modules())
    if (m->name() == name) return m;
  return nullptr;
}

std::span<const ProtocolModule* const> protocols() {
  return modules();
}

const ProtocolModule& default_protocol() {
  LEASESIM_ASSERT(!modules().empty(),
                  "no protocol registered (call register_builtin_protocols() first)");
  return *modules().front();
}

void BlockInput::unknown_resource(format::Sink& diag, const std::string& pointer,
                                  const std::string& name) const {
  if (!resources_known) return;
  diag.error(pointer, "unknown resource " + format::jquote(name) +
                          " (resources: " + format::join_plain(resources, 12) + ")");
}

}  // namespace leasesim
