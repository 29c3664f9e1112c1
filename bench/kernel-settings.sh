#!/usr/bin/env bash
# What the kernel self-check's choice costs (docs/BENCHMARKS.md "Kernel settings", docs/NUMERICS.md): the conv3d peak,
# the shipped model's training step and its separation at 112 and 224, under each kernel setting named, one after
# another. "default" runs libtorch's own choice unchecked (CENTRIFUGE_KERNEL_CHECK=off: on AMD Zen 5 its answers are
# wrong, so its speed is only a reference); every other name is forced with CENTRIFUGE_KERNELS (checked first).
#
#   bench/kernel-settings.sh OUTDIR [SETTING...]    (default: default onednn-sse41 no-onednn)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:?usage: bench/kernel-settings.sh OUTDIR [SETTING...]}"; shift
settings=("$@"); [[ ${#settings[@]} -gt 0 ]] || settings=(default onednn-sse41 no-onednn)
mkdir -p "$out"
. scripts/lib/runtime-env.sh
bench="dotnet $root/bench/Centrifuge.Bench/bin/Release/net10.0/centrifuge-bench.dll"
[[ -f "$root/bench/Centrifuge.Bench/bin/Release/net10.0/centrifuge-bench.dll" ]] ||
  { echo "kernel-settings: build first: dotnet build -c Release bench/Centrifuge.Bench" >&2; exit 2; }
scripts/fetch-samples.sh >/dev/null
for setting in "${settings[@]}"; do
  if [[ $setting == default ]]; then environment=(CENTRIFUGE_KERNEL_CHECK=off); else environment=(CENTRIFUGE_KERNELS="$setting"); fi
  log="$out/$setting.txt"
  { echo "## $setting ($(cut -d' ' -f1-3 /proc/loadavg) load before)"
    env "${environment[@]}" $bench conv-peak --repeats 5
    env "${environment[@]}" $bench training --config configs/cpu-small-default.json --iterations 15 --precision fp32 --loss-window 5
    env "${environment[@]}" $bench separate --sizes 112 224 --seconds 3 --model models/centrifuge-cpu-small.ckpt
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$log" 2>&1 || echo "($setting: exit $?)" >> "$log"
done
