// leasesim: the built-in protocols and the command line.
#include "leasesim/cli/huge_pages.hpp"
#include "leasesim/cli/run.hpp"
#include "leasesim/core/allocator.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/protocols/builtin.hpp"
#include "leasesim_build_id.h"  // generated at build time (CMakeLists.txt)

int main(int argc, char** argv) {
  // Before anything is allocated: may start the program over once.
  leasesim::cli::use_huge_pages(argv);
  leasesim::keep_freed_memory();
  leasesim::set_leasesim_build_id(LEASESIM_BUILD_ID);
  leasesim::register_builtin_protocols();
  return leasesim::cli::run(argc, argv);
}
