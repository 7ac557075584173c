#!/usr/bin/env bash
# Rewrites the golden outputs in tests/cli/golden/ (cases listed in
# tests/cli/golden/cases.txt) from a build of leasesim, after an intended
# change of the report format or of the simulation. Review the diff, then
# commit the new golden files.
#
#   scripts/regen-golden.sh            # uses build/leasesim
#   scripts/regen-golden.sh PATH       # another leasesim binary
#
# The wall-clock figure is masked exactly as run_golden_test.cpp does: on
# the line that starts with "events", "wall <figure>" becomes
# "wall <masked>".
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/leasesim}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "regen-golden.sh: $bin is not an executable (build first: scripts/build.sh)" >&2
  exit 2
fi
golden=tests/cli/golden
while read -r name args; do
  case "$name" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086  # the arguments are words by design
  set +e
  "$bin" $args > "$golden/$name.txt.tmp"
  rc=$?
  set -e
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    rm -f "$golden/$name.txt.tmp"
    echo "regen-golden.sh: $name: leasesim $args exited with $rc" >&2
    exit 1
  fi
  sed -E '/^events/ s/(wall +)[^ ]+/\1<masked>/' "$golden/$name.txt.tmp" > "$golden/$name.txt.new"
  rm -f "$golden/$name.txt.tmp"
  mv "$golden/$name.txt.new" "$golden/$name.txt"
  echo "wrote $golden/$name.txt"
done < "$golden/cases.txt"
