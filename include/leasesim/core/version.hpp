// leasesim's version, as the build was configured (CMake's project
// version). Reports, trace headers and `leasesim --version` print it, so a
// result can always be traced back to the tool that made it.
//
// The version names a release; the build id names the exact source: the
// git commit the program was built from ("-dirty" with uncommitted
// changes), set once by the program at start (sim/main/leasesim.cpp), or
// "unknown" (a build outside git, or a library user that never set it).
// `leasesim --version` and the JSON run report print it; the text report
// and the trace do not, so that they stay the same from commit to commit.
#pragma once

namespace leasesim {

const char* leasesim_version();

// Precondition: `id` outlives every later call of leasesim_build_id() (a
// string literal); called before any thread starts.
void set_leasesim_build_id(const char* id);
const char* leasesim_build_id();

}  // namespace leasesim
