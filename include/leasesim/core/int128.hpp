// 128-bit integers for exact intermediate products (time x drift, Lemire's
// multiply-shift). GCC and Clang both provide them on 64-bit targets;
// __extension__ keeps -Wpedantic quiet about the non-standard type.
#pragma once

namespace leasesim {
__extension__ typedef __int128 int128_t;
__extension__ typedef unsigned __int128 uint128_t;
}  // namespace leasesim
