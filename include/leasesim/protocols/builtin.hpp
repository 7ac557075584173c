// The protocol modules leasesim ships with. The CLI calls this once at
// start; tests call it from their main. Registration is explicit (no
// static initialisers, which static libraries drop).
#pragma once

namespace leasesim {

// Registers every built-in module (raft-lease first: it is the default
// protocol of a scenario that names none). Calling it again does nothing.
void register_builtin_protocols();

}  // namespace leasesim
