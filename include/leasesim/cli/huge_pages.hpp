// Transparent huge pages for leasesim's heap.
//
// Why: at 10,000 requestors and more a run's state is tens to hundreds of
// MiB touched in random order, one node's objects per event; with 4 KiB
// pages nearly every such touch also misses the TLB and walks the page
// tables. Backing the heap with 2 MiB pages took W1 at C = 10,000 about
// 6% and at C = 100,000 about 16% less time (docs/performance.md, "Huge
// pages"); small runs neither gain nor lose.
//
// How: glibc (2.35 on) backs its heap with huge pages when the tunable
// glibc.malloc.hugetlb=1 is set, and tunables are read only at program
// start, from GLIBC_TUNABLES. So the program re-executes itself once, at
// the very start of main(), with the tunable added. Where the kernel hands
// out huge pages only on request (transparent_hugepage = madvise, the
// usual default), that request is what the tunable makes.
//
// It does nothing (and the program simply goes on) when
//   - LEASESIM_HUGE_PAGES=0 is set, or GLIBC_TUNABLES already names
//     glibc.malloc.hugetlb (the user's own choice stands);
//   - the kernel's mode is not `madvise` (`always`: huge pages already;
//     `never`: none to be had) or cannot be read;
//   - the C library is not glibc 2.35 or later, or the build replaces
//     malloc (sanitizers), or the program runs under valgrind;
//   - it already re-executed (LEASESIM_HUGE_PAGES_SET marks the second
//     start, so it can never loop), or exec fails.
// Page size changes where memory comes from, never what a run does: trace
// hashes are the same either way (the determinism tests run both ways).
#pragma once

#include <string>

namespace leasesim::cli {

// Call first thing in main(), with main's argv. Returns only when it did
// not re-execute.
void use_huge_pages(char** argv);

// "on", or "off" and why, for `leasesim run --bench` and `leasesim version`.
std::string huge_pages_status();

}  // namespace leasesim::cli
