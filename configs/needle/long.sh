#!/usr/bin/env bash
# The efficient-attention comparison on long inputs (docs/results.md, "Trained on long inputs"):
# each self-attention is first trained on short haystacks (32–64 tokens; the stage a laptop does
# in minutes), then continues with --init-from on haystacks of exactly 512 and 2,048 tokens, and
# is scored by its final validation (200 held-out haystacks of that length; greedy exact match).
# Prints one JSON line per run; `node configs/needle/long-table.mjs OUT` makes the table.
#
#   bash configs/needle/long.sh OUT [TYPES] [LENGTHS]
#
# OUT holds the data, the runs and the logs; TYPES defaults to the five presets,
# LENGTHS to "512 2048". SHORT_STEPS (8000) and, per length, STEPS_512 / STEPS_2048 and
# BATCH_512 / BATCH_2048 set the budgets; every run uses one kernel thread (--threads 1), so
# two runs can share a 2-core machine (PARALLEL=2). PHASES ("short long time") picks the stages:
# `time` repeats each long-stage run for TIME_STEPS (30) updates from the same start, two at a
# time and with nothing else running, for the speed and memory columns: peak memory is the
# process's maximum RSS (/usr/bin/time), ms/step the median over the logged 5-update intervals.
set -euo pipefail
OUT=${1:?usage: long.sh OUT [TYPES] [LENGTHS]}
TYPES=${2:-full window linformer performer window-noglobal}
LENGTHS=${3:-512 2048}
SHORT_STEPS=${SHORT_STEPS:-8000}
PARALLEL=${PARALLEL:-2}
PHASES=${PHASES:-short long time}
TIME_STEPS=${TIME_STEPS:-30}
# The budgets of docs/results.md: 300 updates of 16 at 512 tokens, 150 of 4 at 2,048 (other lengths: 100 of 8).
: "${STEPS_512:=300}" "${BATCH_512:=16}" "${STEPS_2048:=150}" "${BATCH_2048:=4}"
HERE=$(cd "$(dirname "$0")" && pwd)
ATTN="node $HERE/../../bin/attn.js --threads 1"
mkdir -p "$OUT/runs" "$OUT/logs"
DATA="--needles 8 --keys 64 --values 16 --filler 64"

[ -f "$OUT/short/meta.json" ] || $ATTN data generate --task needle --n 62000 --valid 1000 --test 1000 --min-len 32 --max-len 64 $DATA --out "$OUT/short" >&2
for L in $LENGTHS; do
  [ -f "$OUT/len-$L/meta.json" ] || $ATTN data generate --task needle --n 4000 --valid 200 --test 300 --min-len "$L" --max-len "$L" $DATA --out "$OUT/len-$L" >&2
done

short() {
  local t=$1 run="$OUT/runs/short-$1"
  [ -f "$run/checkpoints/best/model.safetensors" ] && return 0
  $ATTN train --config "$HERE/$t.json" --set "data.path=$OUT/short" --set "training.maxSteps=$SHORT_STEPS" --run-dir "$run" -q > "$OUT/logs/short-$t.log" 2>&1
}

# One long-stage run: continue short-$1 on haystacks of $2 tokens. $3 = "long" (train, validate)
# or "time" (TIME_STEPS updates for the speed and memory columns).
run_length() {
  local t=$1 L=$2 phase=$3
  local steps_var="STEPS_$L" batch_var="BATCH_$L"
  local steps=${!steps_var:-100} batch=${!batch_var:-8} every=10 name="$1-$2"
  if [ "$phase" = time ]; then steps=$TIME_STEPS; every=5; name="time-$1-$2"; fi
  local run="$OUT/runs/$name"
  # A finished run is kept (re-running the script resumes the comparison where it stopped).
  if [ ! -f "$OUT/logs/$name.done" ]; then
  rm -rf "$run"
  /usr/bin/time -f "%M" -o "$OUT/logs/$name.rss" $ATTN train --config "$HERE/$t.json" --init-from "$OUT/runs/short-$t" \
    --set "data.path=$OUT/len-$L" --set "training.maxSteps=$steps" --set "training.batchSize=$batch" \
    --set training.schedule.type=constant --set training.lr=0.0005 --set "training.validEvery=$steps" \
    --set "training.logEvery=$every" --set output.attentionSamples=0 --set training.earlyStopping.patience=0 \
    --run-dir "$run" -q > "$OUT/logs/$name.log" 2>&1
  touch "$OUT/logs/$name.done"
  fi
  echo "{\"phase\":\"$phase\",\"type\":\"$t\",\"length\":$L,\"steps\":$steps,\"batch\":$batch,\"run\":\"$run\",\"maxRssKiB\":$(tail -n 1 "$OUT/logs/$name.rss")}"
}

jobs_wait() { while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n; done; }
case " $PHASES " in *" short "*) for t in $TYPES; do jobs_wait; short "$t" & done; wait ;; esac
for phase in long time; do
  case " $PHASES " in *" $phase "*) for L in $LENGTHS; do for t in $TYPES; do jobs_wait; run_length "$t" "$L" "$phase" & done; done; wait ;; esac
done
