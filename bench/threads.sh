#!/usr/bin/env bash
# The thread-count candidates of docs/BENCHMARKS.md "Threads", each beside 0, 1 and 3 busy neighbours
# (bench/shared-cores.sh): one Markdown row per run. Workloads:
#   separate   `separate` of a 3 s 640x480 clip at the default size 224 with the shipped model
#   tiny       `train --preset tiny` on generated shapes, 300 steps (many tiny parallel regions: spin-sensitive)
#   cpu-small  `train` with configs/cpu-small-default.json on generated shapes, 6 steps
# Usage: bench/threads.sh WORKLOAD [NEIGHBOURS...]   (default neighbours: 0 1 3; run from the repository root)
# Environment: CANDIDATES (default below), CLI (default: the Release build in src/Centrifuge.Cli/bin).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
workload="${1:?workload: separate, tiny or cpu-small}"; shift
neighbours=("$@"); [ ${#neighbours[@]} -gt 0 ] || neighbours=(0 1 3)
cli="${CLI:-dotnet $root/src/Centrifuge.Cli/bin/Release/net10.0/Centrifuge.Cli.dll}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CENTRIFUGE_CACHE_DIR="$work/cache"
. scripts/lib/runtime-env.sh   # the allocator ./centrifuge uses, for every candidate alike
unset OMP_WAIT_POLICY         # each candidate sets its own

case "$workload" in
  separate)
    ffmpeg -v error -y -t 3 -i data/samples/opencv-doc/cup.mp4 -an -c:v libx264 -preset veryfast -crf 18 "$work/cup-3s.mp4"
    run() { rm -rf "$work/out"; echo "$cli separate $work/cup-3s.mp4 -o $work/out $*"; } ;;
  tiny)
    run() { rm -rf "$work/run"; echo "$cli train --data synthetic:shapes --preset tiny --iterations 300 --val-every 1000 --out $work/run $*"; } ;;
  cpu-small)
    run() { rm -rf "$work/run"; echo "$cli train --data synthetic:shapes --config configs/cpu-small-default.json --iterations 6 --val-every 1000 --checkpoint-every 1000 --out $work/run $*"; } ;;
  *) echo "threads.sh: unknown workload $workload" >&2; exit 2 ;;
esac

# label|environment|extra arguments
# An empty OMP_WAIT_POLICY keeps OpenMP's own default (spin, then sleep): Centrifuge sets PASSIVE only when it is unset.
IFS=';' read -r -a candidates <<<"${CANDIDATES:-threads 2, OpenMP default wait (spins)|OMP_WAIT_POLICY=|--threads 2;threads 1||--threads 1;threads 2, passive wait (the default)||--threads 2}"
echo "workload $workload, $(nproc) cores, $(date -u +%F), allocator: ${LD_PRELOAD:-glibc}"
echo
echo "| candidate | neighbours | wall s | user s | sys s | sys/user | max RSS MB | load before | load after |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${neighbours[@]}"; do
  for candidate in "${candidates[@]}"; do
    IFS='|' read -r label environment arguments <<<"$candidate"
    # shellcheck disable=SC2046
    bench/shared-cores.sh "$label" "$n" env $environment $(run $arguments)
  done
done
