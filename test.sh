#!/usr/bin/env bash
# Installs what the tests need, builds, runs the whole test suite and ends with one summary line:
# "N passed, N failed, N skipped". Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Losses).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

scripts/ensure-tools.sh chromium   # chromium: the demo page is checked in a headless browser
scripts/fetch-samples.sh || echo "test.sh: sample videos unavailable; tests that need them will say they were skipped" >&2

dotnet build Centrifuge.sln -c Release --nologo -v quiet -clp:ErrorsOnly
. scripts/lib/runtime-env.sh   # the allocator and OpenMP settings ./centrifuge runs with
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test Centrifuge.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test prints "Failed!  - Failed: 1, Passed: 9, Skipped: 0, Total: 10" per test assembly.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  } END { print p+0, f+0, s+0 }' "$log")
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
