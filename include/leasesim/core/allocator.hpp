// How leasesim asks the C library to manage freed memory.
//
// A simulation frees and allocates in waves: a growing vector moves to a
// bigger block and frees the old one, a batch worker frees one world and
// builds the next. By default glibc returns the top of a heap to the kernel
// whenever a free leaves more than 128 KiB there, and serves blocks over a
// (dynamic) threshold from fresh mappings that it unmaps on free; the next
// allocation then page-faults the same memory in again, and the kernel
// zeroes every page once more (with huge pages, 2 MiB at a time).
// Measured: explore.json, 660 madvise calls per 500 seeds and about 8% more
// CPU; W1 at 100,000 requestors 5% more CPU.
#pragma once

namespace leasesim {

// Keeps freed memory in the process for the next allocation: up to
// 256 MiB at the top of a heap, and blocks under 32 MiB from the heap rather
// than from fresh mappings. Process-wide and idempotent (the first call
// sets it); a no-op for C libraries other than glibc, which keep their own
// policy. Memory use never grows past the run's own peak by it: what is
// kept is reused, not added.
void keep_freed_memory();

}  // namespace leasesim
