// The protocols leasesim can simulate, by name. Modules register
// explicitly, once, before anything looks one up: the CLI calls
// register_builtin_protocols() (protocols/builtin.hpp) at start, and tests
// call it (and register their own modules) from their main. No static
// initialisers: with static libraries they silently vanish.
#pragma once

#include <span>
#include <string_view>

#include "leasesim/protocol/module.hpp"

namespace leasesim {

// Adds a module. Registering the same module again does nothing; another
// module under a taken name is a programmer error (asserted). Not
// thread-safe: register before starting threads.
void register_protocol(const ProtocolModule& module);

// nullptr if no protocol has that name.
const ProtocolModule* find_protocol(std::string_view name);
// Every registered module, in registration order.
std::span<const ProtocolModule* const> protocols();
// The protocol of a scenario that names none: the first registered.
// Precondition: one is registered (asserted).
const ProtocolModule& default_protocol();

}  // namespace leasesim
