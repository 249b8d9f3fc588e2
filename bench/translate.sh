#!/usr/bin/env bash
# bench/translate.sh — translation speed (issue 8): sentences/s of
#
#   attn translate --checkpoint RUN --beam 5 --input INPUT
#
# for several builds / kernel sets of attn, run in alternation (v1 v2 v3 v1 v2 v3 …), median of
# RUNS runs each. Time is the wall time of the whole command (start-up and model loading
# included), so sentences/s = lines / seconds.
#
# Usage: bench/translate.sh RUN INPUT [RUNS]
#   RUN    a trained run folder, e.g.
#            npx attn train --config configs/eng-fra-bahdanau.json --set training.maxMinutes=4 \
#              --run-dir /tmp/engfra-bahdanau --quiet
#   INPUT  source sentences, one per line, e.g. 1,000 English sentences spread over Tatoeba:
#            awk -F'\t' 'NR % 18 == 1 {print $1}' ../shared/data/tatoeba-eng-fra/eng-fra.tsv \
#              | head -1000 > /tmp/engfra-1000.txt
#   RUNS   runs per variant (default 3)
#
# Environment:
#   VARIANTS  space-separated variants (default "old-js old-wasm new"):
#               old-js, old-wasm  the checkout in $OLD with ATTN_KERNELS=js / wasm
#               new               this checkout with its default kernels
#               new-js, new-wasm, new-wasm-fma   this checkout with ATTN_KERNELS forced
#   OLD       root of an older attn checkout with node_modules (default /tmp/attn-before)
#   BEAM      beam size (default 5); BATCH  --batch-size (default 32)
#
# Prints one line per run (variant, seconds, sentences/s, 1-minute load average when it started),
# then the median per variant and whether all variants produced identical translations. The
# machine's load matters: on a shared machine compare only medians taken in the same session.
set -euo pipefail

RUN=${1:?usage: bench/translate.sh RUN INPUT [RUNS]}
INPUT=${2:?usage: bench/translate.sh RUN INPUT [RUNS]}
RUNS=${3:-3}
NEW=$(cd "$(dirname "$0")/.." && pwd)
OLD=${OLD:-/tmp/attn-before}
VARIANTS=${VARIANTS:-old-js old-wasm new}
BEAM=${BEAM:-5}
BATCH=${BATCH:-32}
LINES=$(wc -l < "$INPUT")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

command_of() {
  case "$1" in
    old-*) [ -d "$OLD" ] || { echo "no $OLD for variant $1" >&2; exit 1; }
           echo "env ATTN_KERNELS=${1#old-} node $OLD/bin/attn.js" ;;
    new)   echo "node $NEW/bin/attn.js" ;;
    new-*) echo "env ATTN_KERNELS=${1#new-} node $NEW/bin/attn.js" ;;
    *)     echo "unknown variant $1" >&2; exit 1 ;;
  esac
}

echo "translate benchmark: $LINES sentences, beam $BEAM, batch $BATCH, checkpoint $RUN, $(nproc) cores"
if rev=$(git -C "$NEW" rev-parse --short HEAD 2>/dev/null); then
  git -C "$NEW" diff --quiet HEAD -- src || rev="$rev + uncommitted changes"
else rev="not a git checkout"; fi
echo "new = $NEW ($rev); kernel modules: $(cd "$NEW/src/kernels/wasm/build" 2>/dev/null && md5sum ./*.wasm | awk '{printf "%s %s  ", substr($1, 1, 8), $2}')"
printf '%-14s %9s %12s %6s\n' variant seconds sentences/s load
for ((i = 1; i <= RUNS; i++)); do
  for v in $VARIANTS; do
    cmd=$(command_of "$v")
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    $cmd translate --checkpoint "$RUN" --beam "$BEAM" --batch-size "$BATCH" --input "$INPUT" > "$OUT/$v.txt" 2> "$OUT/$v.err" || { cat "$OUT/$v.err" >&2; exit 1; }
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    rate=$(echo "$LINES / $secs" | bc -l)
    echo "$v $secs" >> "$OUT/times"
    printf '%-14s %9.2f %12.1f %6s\n' "$v" "$secs" "$rate" "$load"
  done
done

echo "medians:"
for v in $VARIANTS; do
  med=$(awk -v v="$v" '$1 == v {print $2}' "$OUT/times" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
  printf '%-14s %9.2f s %10.1f sentences/s\n' "$v" "$med" "$(echo "$LINES / $med" | bc -l)"
done

first=${VARIANTS%% *}
same=yes
for v in $VARIANTS; do cmp -s "$OUT/$first.txt" "$OUT/$v.txt" || { same=no; echo "translations differ: $first vs $v ($(diff "$OUT/$first.txt" "$OUT/$v.txt" | grep -c '^<') lines)"; }; done
echo "identical translations across variants: $same"
