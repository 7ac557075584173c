#include "leasesim/core/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace leasesim::detail {

void assertion_failed(const char* expr, const char* file, int line, const char* msg) {
  // fprintf to unbuffered stderr, then abort: no destructors run, so a
  // broken invariant cannot be followed by half-consistent output files
  // being committed on the way out (AtomicFile temporaries stay behind
  // instead, which is the lesser evil).
  std::fprintf(stderr, "leasesim: internal error: assertion `%s` failed at %s:%d: %s\n", expr, file,
               line, msg != nullptr ? msg : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace leasesim::detail
