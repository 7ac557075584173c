#!/usr/bin/env bash
# Configures one of the extra builds that scripts/test.sh, fuzz.sh,
# determinism.sh and soak.sh use (incremental: an unchanged configuration
# rebuilds nothing).
#
#   scripts/configure-variant.sh BUILD_DIR VARIANT
#
#   asan      clang, -O1 (line tables only), ASan+UBSan, libFuzzer targets, unit tests
#             (each test binary one translation unit), -Werror
#   clang-O2  clang, -O2, leasesim only                (determinism)
#   gcc-O0    gcc, -O0, leasesim only                  (determinism)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$1"
variant="$2"
case "$variant" in
  asan)
    args=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release
          "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only"
          -DLEASESIM_SANITIZE=ON -DLEASESIM_FUZZ=ON -DLEASESIM_TESTS=ON -DLEASESIM_WERROR=ON
          -DLEASESIM_UNITY_TESTS=ON) ;;
  clang-O2)
    args=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release
          "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" -DLEASESIM_TESTS=OFF) ;;
  gcc-O0)
    args=(-DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0"
          -DLEASESIM_TESTS=OFF) ;;
  *)
    echo "configure-variant: unknown variant \"$variant\" (asan, clang-O2, gcc-O0)" >&2
    exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
