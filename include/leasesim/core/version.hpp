// leasesim's version, as the build was configured (CMake's project
// version). Reports, trace headers and `leasesim --version` print it, so a
// result can always be traced back to the tool that made it.
#pragma once

namespace leasesim {

const char* leasesim_version();

}  // namespace leasesim
