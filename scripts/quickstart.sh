#!/usr/bin/env bash
# The README's first command: install what is missing (the main profile of
# scripts/setup.sh: compiler, CMake, Boost, nlohmann-json, matplotlib; no
# test tools), build (Release), install `leasesim` and the plot commands
# (leasesim-plot-timeline, -handoffs, -sweep, -compare) on PATH, and run the default
# scenario with the installed leasesim. The report is printed and, with the
# trace and a timeline picture (timeline.png), is written to out/default/.
#
# Installs into /usr/local (bin/ is on PATH); LEASESIM_PREFIX=DIR installs
# elsewhere (e.g. "$HOME/.local"; put DIR/bin on PATH). Root or sudo is
# needed for apt-get, and for a prefix you cannot write to.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${LEASESIM_PREFIX:-/usr/local}"
scripts/setup.sh
scripts/build.sh -DLEASESIM_TESTS=OFF
sudo=""
mkdir -p "$prefix" 2>/dev/null || true
if [ ! -w "$prefix" ] && [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo cmake --install build --prefix "$prefix" >/dev/null
echo "quickstart: installed leasesim and leasesim-plot-{timeline,handoffs,sweep,compare} into $prefix/bin" >&2
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "quickstart: $prefix/bin is not on your PATH; add it (export PATH=\"$prefix/bin:\$PATH\")" >&2 ;;
esac
"$prefix/bin/leasesim" run scenarios/default.json --out out/default --plot out/default/timeline.png
