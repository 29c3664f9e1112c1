#!/usr/bin/env bash
# Trains the shipped default model (models/centrifuge-cpu-small.ckpt) from scratch, resumably: run it again after
# any interruption and it continues from the last checkpoint of the leg it was in. Builds the corpus first
# (scripts/fetch-training-data.sh: Debian packages only). Two legs, as the shipped weights were trained:
#   1. runs/cpu-small-leg1: 1,200 steps from a random initialisation, Adam at a constant 1e-3
#      (configs/cpu-small-default-leg1.json);
#   2. runs/cpu-small-leg2: from leg 1's best weights (--init), a fresh Adam, 6,000 steps with the paper's step-down
#      schedule scaled to them (configs/cpu-small-default.json).
# When done, copy runs/cpu-small-leg2/best.ckpt to models/centrifuge-cpu-small.ckpt. Extra arguments go to both
# `centrifuge train` runs (e.g. --threads 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-training-data.sh
./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default-leg1.json \
  --out runs/cpu-small-leg1 --resume "$@"
exec ./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --init runs/cpu-small-leg1/best.ckpt --out runs/cpu-small-leg2 --resume "$@"
