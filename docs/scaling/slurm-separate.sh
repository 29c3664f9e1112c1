#!/usr/bin/env bash
# Slurm job array: task K of an array declared 0-(N-1) separates shard K/N of an input list into one shared output
# folder. Submit from the folder the list's relative paths start from, with `centrifuge` on PATH (the repository's
# ./centrifuge script, or an installed copy), N given twice (the array and the first argument):
#
#   sbatch --array=0-99 docs/scaling/slurm-separate.sh 100 archive.txt /shared/separated [more separate options]
#
# Pre-empted or failed tasks: resubmit the same command, or only some indices (--array=7,12): finished outputs are
# skipped, partial ones redone. Then: centrifuge merge-shards /shared/separated. See docs/SCALING.md.
#SBATCH --job-name=centrifuge-separate
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=centrifuge-separate-%A_%a.log
set -euo pipefail
usage="usage: sbatch --array=0-(N-1) slurm-separate.sh N LIST OUTDIR [separate options]"
shards="${1:?$usage}"
list="${2:?$usage}"
outdir="${3:?$usage}"
shift 3
# N is an argument, not SLURM_ARRAY_TASK_COUNT: a resubmission of some indices has a smaller array but the same N.
export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-2}"
exec centrifuge separate --shard "${SLURM_ARRAY_TASK_ID:?not running in a Slurm job array}/${shards}" --inputs-from "$list" --skip-existing -o "$outdir" "$@"
