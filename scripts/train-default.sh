#!/usr/bin/env bash
# Trains the shipped default model (models/centrifuge-cpu-small.ckpt, fifth generation: models/README.md) from
# scratch, resumably: run it again after any interruption and it continues from the last checkpoint of the leg it was
# in. Builds the corpus first (scripts/fetch-training-data.sh: Debian packages only). Four legs, as the shipped weights
# were trained, then a fifth step that re-estimates the batch-norm statistics; all with a quarter of the layers composited moving-object pseudo-videos, no camera-motion photos, and
# mixture consistency (the two outputs projected to average to the input):
#   1. runs/cpu-small-leg1: 1,027 steps from a random initialisation, Adam at a constant 1e-3, validation every 300
#      steps (configs/cpu-small-default-leg1.json);
#   2. runs/cpu-small-leg2: from leg 1's best weights (--init), a fresh Adam at 5e-4, 2,000 steps with the paper's
#      step-down schedule scaled to them (configs/cpu-small-default.json), validation every 500 steps (the second
#      generation);
#   3. runs/cpu-small-leg3: from leg 2's best weights, the same again with the full augmentation
#      (configs/variants/augment-all.json: random resized crops of frames cached at short side 192, strides 1-4, time
#      reversal, per-layer colour changes) (the third generation);
#   4. runs/cpu-small-leg4: from leg 3's best weights, 700 steps of the same with decoder dropout 0.1
#      (configs/variants/decoder-dropout.json), training seed 2, the best checkpoint chosen on 100 spread pairs of unseen
#      videos (configs/variants/validate-spread.json): step 350 of the shipped run (the fourth generation);
#   5. runs/cpu-small-leg4/precise-bn.ckpt: leg 4's best weights with every batch-norm layer's statistics re-estimated
#      as the plain average over 200 of its training batches (`centrifuge average --update-bn 200`).
# When done, copy runs/cpu-small-leg4/precise-bn.ckpt to models/centrifuge-cpu-small.ckpt. Extra arguments go to every run
# (e.g. --threads 1: legs 1 and 3 ran on one libtorch thread, leg 2 on two after resumes, leg 4 on two). The training
# seed moves the result as much as any lever does (docs/RESULTS.md, "Regularisers"): another seed or thread count gives
# another model of about the same quality, not these weights.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-training-data.sh
./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default-leg1.json \
  --photo 0 --composite 0.25 --mixture-consistency --iterations 1027 --val-every 300 --out runs/cpu-small-leg1 --resume "$@"
./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --photo 0 --composite 0.25 --mixture-consistency --iterations 2000 --lr 0.0005 --val-every 500 \
  --init runs/cpu-small-leg1/best.ckpt --out runs/cpu-small-leg2 --resume "$@"
./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --config configs/variants/augment-all.json --photo 0 --composite 0.25 --mixture-consistency --iterations 2000 \
  --lr 0.0005 --val-every 500 --checkpoint-every 100 --init runs/cpu-small-leg2/best.ckpt --out runs/cpu-small-leg3 --resume "$@"
./centrifuge train --data data/corpus --cache data/cache/cpu-small --config configs/cpu-small-default.json \
  --config configs/variants/augment-all.json --config configs/variants/validate-spread.json \
  --config configs/variants/decoder-dropout.json --photo 0 --composite 0.25 --mixture-consistency --iterations 700 \
  --lr 0.0005 --val-every 175 --checkpoint-every 50 --seed 2 --init runs/cpu-small-leg3/best.ckpt --out runs/cpu-small-leg4 --resume "$@"
[ -f runs/cpu-small-leg4/precise-bn.ckpt ] ||
  ./centrifuge average runs/cpu-small-leg4/best.ckpt --update-bn 200 --data data/corpus --cache data/cache/cpu-small \
    --out runs/cpu-small-leg4/precise-bn.ckpt
