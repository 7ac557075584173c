// Whether this build runs under a sanitizer that replaces the C library's
// allocator (AddressSanitizer, ThreadSanitizer, MemorySanitizer): allocator
// tuning (core/allocator.hpp, cli/huge_pages.hpp) has no effect there, and
// the tests that observe it skip.
#pragma once

namespace leasesim {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif
#else
inline constexpr bool kSanitizerBuild = false;
#endif

}  // namespace leasesim
