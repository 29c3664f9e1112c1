#!/usr/bin/env bash
# Re-takes every docs/BENCHMARKS.md suite in one go on an idle machine: before each suite it waits until the 1-minute
# load average is at most GATE (default 0.5; at most WAIT seconds, default 600, then it runs anyway and says so), and
# it writes the load before and after beside each suite's output, so a figure taken on a busy machine shows it.
# Every suite runs with the allocator ./centrifuge uses (scripts/lib/runtime-env.sh) and the built Release binaries.
#
#   bench/retake-idle.sh OUTDIR [SUITE...]     (default: every suite below, in this order; run from anywhere)
#
# Nothing else may run meanwhile: each suite's numbers are only as clean as the machine. About an hour in all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:?usage: bench/retake-idle.sh OUTDIR [SUITE...]}"; shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
gate="${GATE:-0.5}"
wait_max="${WAIT:-600}"
. scripts/lib/runtime-env.sh
bench="dotnet $root/bench/Centrifuge.Bench/bin/Release/net10.0/centrifuge-bench.dll"
cli="dotnet $root/src/Centrifuge.Cli/bin/Release/net10.0/Centrifuge.Cli.dll"
model=models/centrifuge-cpu-small.ckpt
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[[ -f "$root/bench/Centrifuge.Bench/bin/Release/net10.0/centrifuge-bench.dll" && -f "$root/src/Centrifuge.Cli/bin/Release/net10.0/Centrifuge.Cli.dll" ]] ||
  { echo "retake-idle: build first: dotnet build -c Release src/Centrifuge.Cli && dotnet build -c Release bench/Centrifuge.Bench" >&2; exit 2; }
scripts/fetch-samples.sh >/dev/null

load1() { cut -d' ' -f1 /proc/loadavg; }
loads() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }
wait_idle() {
  local waited=0
  while awk -v l="$(load1)" -v g="$gate" 'BEGIN { exit !(l > g) }'; do
    if (( waited >= wait_max )); then echo "gate: load still $(load1) after ${waited} s; running anyway (BUSY)"; return; fi
    sleep 10; waited=$((waited + 10))
  done
  echo "gate: load $(load1) after ${waited} s"
}

# Inputs the suites share: the threads/allocator clip (3 s of cup.mp4), the 480p speed clip, the memory clips,
# and the demo's two 4 s validation excerpts at short side 224 (for the blend's memory).
ffmpeg -v error -y -t 3 -i data/samples/opencv-doc/cup.mp4 -an -c:v libx264 -preset veryfast -crf 18 "$work/cup-3s.mp4"
ffmpeg -v error -y -f lavfi -i testsrc2=size=854x480:rate=25:duration=3 -c:v libx264 -preset veryfast -pix_fmt yuv420p "$work/in-3s-480p.mp4"
for s in 30 180; do
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=854x480:rate=10:duration=$s" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$work/in-${s}s-480p.mp4"
done
ffmpeg -v error -y -t 4 -i data/samples/python3-imageio/cockatoo.mp4 -an -vf scale=-2:224 -c:v libx264 -preset veryfast -crf 18 "$work/cockatoo-4s.mp4"
ffmpeg -v error -y -t 4 -i data/samples/opencv-doc/tree.avi -an -vf scale=-2:224 -c:v libx264 -preset veryfast -crf 18 "$work/tree-4s.mp4"
mkdir -p "$work/clips"
for f in opencv-doc/vtest.avi opencv-doc/cup.mp4 python3-imageio/cockatoo.mp4 forensics-samples-files/movie-hello.mp4; do
  ffmpeg -v error -y -t 3 -i "data/samples/$f" -an -c:v libx264 -preset veryfast -crf 18 "$work/clips/$(basename "${f%.*}").mp4"
done

timed() { /usr/bin/time -f '/usr/bin/time: %e s wall, %U s user, %S s sys, %M KB peak' "$@"; }
row() { bench/shared-cores.sh "$@"; }
header() { echo "| run | neighbours | wall s | user s | sys s | sys/user | max RSS MB | load before | load after |"; echo "|---|---|---|---|---|---|---|---|---|"; }

suite() {
  case "$1" in
    headline) $bench model --parts headline --repeats 1 ;;
    training-ops) $bench model --parts training-ops --repeats 5 ;;
    model) $bench model --parts upsampling,precision,presets,profile --repeats 3 --max-seconds 15 ;;
    separate) $bench separate --sizes 112 224 --seconds 3 --model "$model" --breakdown --paper-clip ;;
    separate-bf16) $bench separate --sizes 112 224 --seconds 3 --model "$model" --precision bf16 ;;
    separate-memory) $bench separate --sizes 112 --input "$work/in-30s-480p.mp4" --model "$model"
                     $bench separate --sizes 112 --input "$work/in-180s-480p.mp4" --model "$model" ;;
    onnx) $bench onnx --model "$model" ;;
    runtime) header
             for size in 112 224; do for runtime in torch onnx; do
               rm -rf "$work/sep"; row "separate --size $size --runtime $runtime, 3 s 854x480" 0 $cli separate "$work/in-3s-480p.mp4" -o "$work/sep" --size "$size" --runtime "$runtime"
             done; done ;;
    training) $bench training --config configs/cpu-small-default.json --iterations 25 --precision both --loss-window 5 ;;
    training-memory) $bench training --preset tiny --iterations 3000 --threads 1 ;;
    decode) $bench decode --repeats 5 ;;
    loader) rm -rf "$work/bench-cache-129"; $bench loader --cache "$work/bench-cache-129" --batches 12 ;;
    threads-tiny) bench/threads.sh tiny ;;
    threads-cpu-small) bench/threads.sh cpu-small ;;
    threads-separate) bench/threads.sh separate ;;
    allocator) header
               tc="$(/sbin/ldconfig -p | awk '/libtcmalloc_minimal\.so\.4 / { print $NF; exit }')"
               je="$(/sbin/ldconfig -p | awk '/libjemalloc\.so\.2 / { print $NF; exit }')"
               for workload in separate train; do
                 for alloc in "glibc defaults|LD_PRELOAD=" "glibc tuned|LD_PRELOAD= MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=268435456" \
                              "tcmalloc|LD_PRELOAD=$tc" "jemalloc|LD_PRELOAD=$je"; do
                   IFS='|' read -r label environment <<<"$alloc"
                   rm -rf "$work/sep" "$work/run"
                   if [[ $workload == separate ]]; then
                     # shellcheck disable=SC2086
                     row "separate, $label" 0 env -u MALLOC_MMAP_MAX_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ $environment $cli separate "$work/cup-3s.mp4" -o "$work/sep"
                   else
                     # shellcheck disable=SC2086
                     row "train 6 steps, $label" 0 env -u MALLOC_MMAP_MAX_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ $environment $cli train --data synthetic:shapes \
                       --config configs/cpu-small-default.json --iterations 6 --val-every 1000 --checkpoint-every 1000 --out "$work/run"
                   fi
                 done
               done ;;
    blend-memory) header
                  for name in tree cockatoo; do rm -rf "$work/sep"; row "separate $name-4s" 0 $cli separate "$work/$name-4s.mp4" -o "$work/sep"; done
                  rm -rf "$work/sep"; row "separate --blend cockatoo-4s tree-4s" 0 $cli separate --blend "$work/cockatoo-4s.mp4" "$work/tree-4s.mp4" -o "$work/sep" ;;
    cache) header
           for run in no-cache first second; do
             rm -rf "$work/run-$run"
             [[ $run == first ]] && rm -rf "$work/clip-cache"
             flags=(); [[ $run == no-cache ]] && flags=(--no-cache)
             CENTRIFUGE_CACHE_DIR="$work/clip-cache" row "train --preset tiny, 200 steps, $run" 0 $cli train --data "$work/clips" --preset tiny \
               --iterations 200 --out "$work/run-$run" "${flags[@]}"
             jq -rs '[.[] | select(.kind == "train")] | last | "metrics.jsonl: \(.iteration) steps in \(.seconds) s of training, \(.iteration / .seconds) steps/s"' \
               "$work/run-$run/metrics.jsonl" || true
           done ;;
    demo) rm -rf "$work/demo"; timed ./centrifuge demo --out "$work/demo" 2>&1 | tail -4 ;;
    demo-full) rm -rf "$work/demo"; timed ./centrifuge demo --strength 1 --out "$work/demo" 2>&1 | tail -4 ;;
    *) echo "retake-idle: unknown suite $1" >&2; return 2 ;;
  esac
}

suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(headline separate runtime training training-ops demo demo-full onnx separate-bf16 separate-memory model
  training-memory decode loader threads-tiny threads-cpu-small threads-separate allocator blend-memory cache)
for s in "${suites[@]}"; do
  {
    echo "# suite $s, $(date -u '+%F %T') UTC, $(nproc) cores, allocator ${LD_PRELOAD:-glibc (tuned)}"
    wait_idle
    echo "load before: $(loads)"
    suite "$s" || echo "suite $s failed: exit $?"
    echo "load after: $(loads)"
  } > "$out/$s.txt" 2>&1
  echo "$s: $(head -2 "$out/$s.txt" | tail -1); $(grep '^load' "$out/$s.txt" | tr '\n' ' ')"
done
