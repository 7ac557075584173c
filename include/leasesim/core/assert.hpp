// Assertions for programmer errors. They stay on in every build type
// (Release included): a simulator that silently continues from a broken
// invariant produces plausible-looking but wrong results, which is worse
// than stopping.
//
// Bad *user input* must never reach an assertion; it is reported by the
// scenario loader with a message and exit code 2.
#pragma once

namespace leasesim::detail {
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const char* msg);
}  // namespace leasesim::detail

#define LEASESIM_ASSERT(cond, msg)                                             \
  do {                                                                         \
    if (__builtin_expect(!(cond), 0))                                          \
      ::leasesim::detail::assertion_failed(#cond, __FILE__, __LINE__, (msg));  \
  } while (0)

#define LEASESIM_UNREACHABLE(msg) \
  ::leasesim::detail::assertion_failed("unreachable", __FILE__, __LINE__, (msg))
