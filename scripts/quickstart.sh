#!/usr/bin/env bash
# The README's first command: install what is missing, build (Release) and
# run the default scenario. The report is printed and, with the trace and a
# timeline picture (timeline.png), is written to out/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DLEASESIM_TESTS=OFF
build/leasesim run scenarios/default.json --out out/default --plot out/default/timeline.png
