// leasesim: the built-in protocols and the command line.
#include "leasesim/cli/run.hpp"
#include "leasesim/protocols/builtin.hpp"

int main(int argc, char** argv) {
  leasesim::register_builtin_protocols();
  return leasesim::cli::run(argc, argv);
}
