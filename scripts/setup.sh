#!/usr/bin/env bash
# Installs what leasesim needs from Debian's packages, and only what is
# missing (a second run does nothing). Needs root or sudo for apt-get.
set -euo pipefail

packages=(
  g++ cmake ninja-build make
  libboost-program-options-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 python3-matplotlib python3-jsonschema
  python3-pandas  # tests/scripts/test_results_csv.py, docs/analysis.md
  time parallel
  slurm-wlm munge  # tests/scripts/test_slurm_explore.py: a private one-node cluster
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
