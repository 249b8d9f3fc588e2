#!/usr/bin/env bash
# Issue 11's bar "Performer and Linformer on toy-lang/dates at normal lengths": the Transformer
# presets with only model.transformer.selfAttention changed (full, window, linformer, performer at
# their documented defaults: w = 16, k = 32, m = 64), trained for the same number of steps and
# scored on the first LIMIT test sentences.
#
#   bash configs/efficient/normal-lengths.sh                  # all eight runs, into runs/efficient/
#   node configs/efficient/normal-table.mjs runs/efficient    # the Markdown table
#
# STEPS_DATES / STEPS_TOY (default 1200 / 900, as the normaliser comparison), JOBS (default 1),
# RUNS (default runs/efficient), LIMIT (default 500), KINDS (default "full linformer performer
# window") change the defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs/efficient} LIMIT=${LIMIT:-500} JOBS=${JOBS:-1}
export RUNS LIMIT STEPS_DATES=${STEPS_DATES:-1200} STEPS_TOY=${STEPS_TOY:-900}
mkdir -p "$RUNS"

one() {
  local task=$1 kind=$2 steps n
  n=$task-transformer-$kind
  if [ "$task" = dates ]; then steps=$STEPS_DATES; else steps=$STEPS_TOY; fi
  echo "$(date -u +%T) train $n ($steps steps)"
  node bin/attn.js --threads 1 train --config "configs/$task-transformer.json" --run-dir "$RUNS/$n" --quiet \
    --set model.transformer.selfAttention="$kind" --set training.maxSteps="$steps" >"$RUNS/$n.train.log" 2>&1
  node bin/attn.js --threads 1 eval --checkpoint "$RUNS/$n" --split test --limit "$LIMIT" --json \
    >"$RUNS/$n.eval.json" 2>"$RUNS/$n.eval.log"
  echo "$(date -u +%T) done  $n"
}
export -f one

for task in dates toy-lang; do for kind in ${KINDS:-full linformer performer window}; do echo "$task $kind"; done; done |
  xargs -P "$JOBS" -L 1 bash -c 'one "$0" "$1"'
