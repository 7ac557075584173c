#!/usr/bin/env bash
# Installs what leasesim needs from Debian's packages, and only what is
# missing (a second run does nothing). Needs root or sudo for apt-get.
#
#   scripts/setup.sh        # the main profile: build leasesim, run it, draw
#                           # timelines (what scripts/quickstart.sh needs)
#   scripts/setup.sh test   # main + what the test suite needs (scripts/test.sh):
#                           # GoogleTest, benchmarks, clang for the sanitizer and
#                           # fuzzing builds, pandas/jsonschema for the script
#                           # tests, GNU parallel and time, a one-node Slurm
set -euo pipefail

profile="${1:-main}"
main=(
  g++ cmake ninja-build
  libboost-program-options-dev nlohmann-json3-dev
  python3 python3-matplotlib  # run --plot and the plot scripts
)
test=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev     # build-asan and the libFuzzer targets
  python3-jsonschema           # tests/scenario/schema_test.cpp: the schema checked by a second validator
  python3-pandas               # tests/scripts/test_results_csv.py, docs/analysis.md
  time parallel                # scripts/bench.sh (/usr/bin/time -v), docs/scaling.md
  valgrind                     # scripts/callgrind.sh (instructions per event), docs/performance.md
  slurm-wlm munge              # tests/scripts/test_slurm_explore.py: a private one-node cluster
)
case "$profile" in
  main) packages=("${main[@]}") ;;
  test) packages=("${main[@]}" "${test[@]}") ;;
  *) echo "setup: unknown profile \"$profile\" (expected main or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup ($profile): installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
