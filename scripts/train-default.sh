#!/usr/bin/env bash
# Trains the shipped default model (models/centrifuge-cpu-small.ckpt) from scratch, resumably: run it again after
# any interruption and it continues from the last checkpoint in runs/cpu-small. Builds the corpus first
# (scripts/fetch-training-data.sh: Debian packages only). When done, copy runs/cpu-small/best.ckpt to models/.
# Extra arguments go to `centrifuge train` (e.g. --iterations 40000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-training-data.sh
exec ./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --out runs/cpu-small --resume "$@"
