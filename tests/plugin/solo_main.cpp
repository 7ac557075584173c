// leasesim-solo: leasesim with one more protocol, built outside the source
// tree's protocols/ (docs/writing-a-protocol.md): the built-in protocols,
// solo-lease, and the unchanged command line.
#include "leasesim/cli/run.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/protocols/builtin.hpp"
#include "solo_lease.hpp"

int main(int argc, char** argv) {
  leasesim::register_builtin_protocols();
  leasesim::register_protocol(leasesim::solo::module());
  return leasesim::cli::run(argc, argv);
}
