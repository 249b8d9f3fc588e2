#!/usr/bin/env bash
# attn vs the PyTorch peer (../shared/bench/torch/seq2seq_bench.py) on configurations A–E,
# THREADS threads each (default 1, the peer's default; THREADS=2 on two cores is what an attn
# user gets by default), alternating runs so machine load affects both alike. Prints one JSON line per run
# to stdout; summarise with `node bench/peerSummary.mjs < results.jsonl`.
#   bash bench/peer.sh [runs-per-config=3] [torch-steps=100] [attn-steps=100] > results.jsonl
# attn's kernels follow ATTN_KERNELS (default: the fastest). CONFIGS="A E" limits the configurations.
# Needs Debian's python3-torch, python3-numpy and libopenblas0-pthread (see the peer's README).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
steps=${2:-100}
attn_steps=${3:-$steps}
threads=${THREADS:-1}
peer=../shared/bench/torch/seq2seq_bench.py
declare -A torch_args=(
  [A]="--model rnn --attention bahdanau --cell gru --emb 128 --hidden 128 --batch 32 --layers 1 --bidirectional"
  [B]="--model rnn --attention bahdanau --cell gru --emb 256 --hidden 256 --batch 64 --layers 1 --bidirectional"
  [C]="--model rnn --attention none --cell gru --emb 256 --hidden 256 --batch 64 --layers 1 --bidirectional"
  [D]="--model rnn --attention luong-general --cell lstm --emb 256 --hidden 256 --batch 64 --layers 1 --bidirectional"
  [E]="--model transformer --hidden 256 --heads 4 --ff 1024 --layers 3 --batch 64"
)
declare -A attn_config=(
  [A]=configs/bench/A-gru-bahdanau-128.json
  [B]=configs/bench/B-gru-bahdanau-256.json
  [C]=configs/bench/C-gru-none-256.json
  [D]=configs/bench/D-lstm-luong-general-256.json
  [E]=configs/bench/E-transformer-256.json
)
for cfg in ${CONFIGS:-A B C D E}; do
  for ((r = 1; r <= runs; r++)); do
    t=$(/usr/bin/python3 "$peer" ${torch_args[$cfg]} --threads "$threads" --steps "$steps" --warmup-steps 10 --json 2>/dev/null)
    echo "{\"config\":\"$cfg\",\"threads\":$threads,\"system\":\"pytorch\",\"run\":$r,\"result\":$t}"
    a=$(npx tsx bench/seq2seq.ts --config "${attn_config[$cfg]}" --steps "$attn_steps" --warmup 3 --threads "$threads" --json)
    echo "{\"config\":\"$cfg\",\"threads\":$threads,\"system\":\"attn\",\"run\":$r,\"result\":$a}"
  done
done
