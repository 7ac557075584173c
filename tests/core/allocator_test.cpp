// keep_freed_memory(): blocks of a few MiB come from the heap, not from
// fresh mappings that are unmapped (and page-faulted in again) on free.
#include "leasesim/core/allocator.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "leasesim/core/sanitizers.hpp"

namespace leasesim {
namespace allocator_test {
namespace {

TEST(Allocator, KeepFreedMemoryServesMiBBlocksFromTheHeap) {
#if defined(__GLIBC__) && __GLIBC__ == 2 && __GLIBC_MINOR__ >= 33
  if (kSanitizerBuild) GTEST_SKIP() << "the sanitizer's allocator replaces glibc's";
  keep_freed_memory();
  const size_t mapped_before = mallinfo2().hblkhd;
  // 4 MiB: above glibc's default threshold (128 KiB, growing with frees up
  // to 32 MiB), below the one keep_freed_memory sets.
  std::unique_ptr<char[]> block(new char[4 << 20]);
  block[0] = 1;
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "a 4 MiB block was mapped, not from the heap";
  block.reset();
  keep_freed_memory();  // idempotent
#else
  GTEST_SKIP() << "glibc 2.33 or later only (mallinfo2)";
#endif
}

}  // namespace
}  // namespace allocator_test
}  // namespace leasesim
