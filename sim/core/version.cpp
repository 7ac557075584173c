#include "leasesim/core/version.hpp"

#ifndef LEASESIM_VERSION
#error "LEASESIM_VERSION must be defined by the build (CMakeLists.txt)"
#endif

namespace leasesim {

namespace {
const char* g_build_id = "unknown";
}  // namespace

const char* leasesim_version() {
  return LEASESIM_VERSION;
}

void set_leasesim_build_id(const char* id) {
  g_build_id = id;
}

const char* leasesim_build_id() {
  return g_build_id;
}

}  // namespace leasesim
