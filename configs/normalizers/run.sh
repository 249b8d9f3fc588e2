#!/usr/bin/env bash
# Train and evaluate the attention-normaliser comparison of docs/results.md ("Attention
# normalisers: softmax, sparsemax, 1.5-entmax, learned α"). Each config here is a preset from
# configs/ with only model.attention.normalizer (Bahdanau) or model.transformer.normalizer
# (Transformer) changed; the toy-lang Bahdanau configs are configs/toy-lang-luong-local-p.json with
# the Bahdanau decoder, additive score and global scope, as in docs/results.md's toy-lang table.
#
#   bash configs/normalizers/run.sh                                    # all 16, dates first
#   bash configs/normalizers/run.sh configs/normalizers/dates-*.json    # some of them
#   node configs/normalizers/table.mjs runs/normalizers                 # the Markdown table
#
# Budget: a fixed number of optimizer steps per task and model (below), capped at MINUTES of wall
# time (default 40, a safety net: the step budget decides); JOBS runs at once (default 2), one kernel thread each. Each run's best
# checkpoint is evaluated on the first LIMIT test sentences (default 500) against the gold
# alignments data/<task>/test.align; eval's JSON goes to RUNS/<name>.eval.json (RUNS defaults to
# runs/normalizers; an existing run folder of the same name is an error).
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUNS=${RUNS:-runs/normalizers} LIMIT=${LIMIT:-500} MINUTES=${MINUTES:-40}
JOBS=${JOBS:-2}
mkdir -p "$RUNS"

one() {
  local c=$1 n task steps
  n=$(basename "$c" .json)
  task=$(sed -E 's/-(bahdanau|transformer)-.*//' <<<"$n")
  case "$n" in
    dates-bahdanau-*) steps=750 ;;
    dates-transformer-*) steps=1200 ;;
    toy-lang-bahdanau-*) steps=900 ;;
    toy-lang-transformer-*) steps=900 ;;
    *) echo "unknown config $n" >&2; return 1 ;;
  esac
  steps=${STEPS:-$steps}   # STEPS=2 for a quick check that everything runs
  echo "$(date -u +%T) train $n ($steps steps, at most $MINUTES min)"
  node bin/attn.js --threads 1 train --config "$c" --run-dir "$RUNS/$n" --quiet \
    --set training.maxSteps=$steps --set training.maxMinutes=$MINUTES >"$RUNS/$n.train.log" 2>&1
  echo "$(date -u +%T) eval  $n"
  node bin/attn.js --threads 1 eval --checkpoint "$RUNS/$n" --split test --limit "$LIMIT" \
    --alignments "data/$task/test.align" --json >"$RUNS/$n.eval.json" 2>"$RUNS/$n.eval.log"
  echo "$(date -u +%T) done  $n"
}
export -f one

if [ $# -eq 0 ]; then
  # dates first; the slow learned-α Transformer early, so it overlaps the quick Bahdanau runs
  set -- configs/normalizers/dates-bahdanau-softmax.json configs/normalizers/dates-transformer-entmax-learned.json \
    configs/normalizers/dates-bahdanau-{sparsemax,entmax15,entmax-learned}.json \
    configs/normalizers/dates-transformer-{softmax,sparsemax,entmax15}.json \
    configs/normalizers/toy-lang-bahdanau-softmax.json configs/normalizers/toy-lang-transformer-entmax-learned.json \
    configs/normalizers/toy-lang-bahdanau-{sparsemax,entmax15,entmax-learned}.json \
    configs/normalizers/toy-lang-transformer-{softmax,sparsemax,entmax15}.json
fi
printf '%s\n' "$@" | xargs -P "$JOBS" -I{} bash -c 'one "$1"' _ {}
