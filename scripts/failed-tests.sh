#!/usr/bin/env bash
# Prints each failed test of a `dotnet test --logger "console;verbosity=normal"` log with its message and the
# first lines of its stack trace, so that the end of a long CI log says what failed.
# Usage: scripts/failed-tests.sh LOG
set -euo pipefail
log=${1:?usage: scripts/failed-tests.sh LOG}
awk '
  /^  (Passed|Skipped) / || /^\[xUnit/ || /^Test Run / || /^Results File/ { inside = 0 }
  /^  Failed / { inside = 1; lines = 0; failures++; print "" }
  inside && lines < 40 { print; lines++ }
  END { if (failures) printf "\n%d failed test(s) above.\n", failures }
' "$log"
