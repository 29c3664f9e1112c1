#!/usr/bin/env bash
# Times one command beside N busy neighbour processes (`yes > /dev/null`), as when a user separates while a training
# runs: prints one Markdown row with wall, user and sys seconds (GNU time), peak resident memory, and the load average
# before and after. Extra environment (thread counts, OpenMP wait policy, a preloaded allocator) goes before the
# command with `env`. The neighbours are this script's own children and are stopped when it exits.
#
#   bench/shared-cores.sh LABEL NEIGHBOURS COMMAND [ARGS...]
#   bench/shared-cores.sh "threads 2" 1 env OMP_WAIT_POLICY=PASSIVE dotnet .build/cli/Centrifuge.Cli.dll separate ...
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
label="$1"; neighbours="$2"; shift 2

pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for ((i = 0; i < neighbours; i++)); do
  yes >/dev/null &
  pids+=($!)
done

load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }
before="$(load)"
timing="$(mktemp)"
status=0
/usr/bin/time -f '%e %U %S %M' -o "$timing" "$@" >/dev/null 2>"$timing.err" || status=$?
after="$(load)"
read -r wall user sys rss <"$timing"
if [ "$status" -ne 0 ]; then
  echo "shared-cores.sh: '$label' failed (exit $status):" >&2
  tail -5 "$timing.err" >&2
fi
rm -f "$timing" "$timing.err"
awk -v l="$label" -v n="$neighbours" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$before" -v a="$after" -v st="$status" \
  'BEGIN { printf "| %s | %d | %.1f | %.1f | %.1f | %.0f %% | %.0f | %s | %s |%s\n", l, n, w, u, s, (u > 0 ? 100 * s / u : 0), r / 1024, b, a, (st ? " FAILED" : "") }'
