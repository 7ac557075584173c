#include "leasesim/core/version.hpp"

#ifndef LEASESIM_VERSION
#error "LEASESIM_VERSION must be defined by the build (CMakeLists.txt)"
#endif

namespace leasesim {

const char* leasesim_version() {
  return LEASESIM_VERSION;
}

}  // namespace leasesim
