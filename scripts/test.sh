#!/usr/bin/env bash
# The README's second command (and what CI runs): install what is missing,
# build with warnings as errors, and run the whole test suite. Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DLEASESIM_TESTS=ON -DLEASESIM_WERROR=ON

status=0
step() {
  echo
  echo "=== $1"
  shift
  if ! "$@"; then
    echo "=== FAILED: $*" >&2
    status=1
  fi
}

step "unit and integration tests (ctest)" \
  ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300
step "scenario library (leasesim check scenarios/)" build/leasesim check --quiet scenarios/
if compgen -G "tests/scripts/test_*.py" >/dev/null; then
  step "script tests (/usr/bin/python3)" \
    env LEASESIM=build/leasesim MPLBACKEND=Agg /usr/bin/python3 -m unittest discover -s tests/scripts -p 'test_*.py' -v
fi

echo
if [ $status -eq 0 ]; then echo "test.sh: all steps passed"; else echo "test.sh: some steps FAILED" >&2; fi
exit $status
