"""Translate sentences on stdin (one per line) to stdout, as `attn translate` does.

    python3 translate.py [--beam K] [--length-penalty A] [--coverage-penalty B] [--max-len N] [--weights model.safetensors]

Greedy by default; ties go to the lower token id; <pad> and <s> are never emitted (their
probability still counts). Sentences are decoded one at a time (attn's results do not depend on
batching). With copy attention, source words outside the target vocabulary can be copied and are
written as they stand in the source.
"""
import argparse
import io
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from model import BOS, EOS, PAD, copy_batch, load_model  # noqa: E402
from tokenizer import TextPipeline  # noqa: E402


def _emittable(lp):
    lp = lp.clone()
    lp[..., PAD] = float("-inf")
    lp[..., BOS] = float("-inf")
    return lp


def _topk(row, k):
    """The k best emittable (token, log-prob) of a 1-D tensor, ties to the lower id (stable sort)."""
    values = _emittable(row).double()
    order = sorted(range(values.shape[0]), key=lambda v: -values[v].item())
    return [(v, row[v].item()) for v in order[:k] if values[v].item() != float("-inf")]


def _source(model, ids, copy=None):
    """copy (copy attention): (copy ids, oov words) of the sentence, as TextPipeline.copy_source gives."""
    src = torch.tensor([ids], dtype=torch.long)
    lengths = torch.tensor([len(ids)], dtype=torch.long)
    if copy is None:
        return model.start(src, lengths)
    return model.start(src, lengths, copy_batch([copy[0]], model.decoder.vocab_size, [len(copy[1])]))


@torch.no_grad()
def greedy(model, ids, max_len, copy=None):
    state = _source(model, ids, copy)
    prev = torch.tensor([BOS])
    out, total = [], 0.0
    for t in range(max_len):
        lp, state, _ = model.next_log_probs(prev, state, t)
        token, value = _topk(lp[0], 1)[0]
        out.append(token)
        total += value
        if token == EOS:
            break
        prev = torch.tensor([token])
    return out, total


def length_penalty(length, alpha):
    return 1.0 if alpha == 0 else ((5 + length) / 6) ** alpha


def coverage_penalty(sums, beta):
    """GNMT's coverage penalty (Wu et al. 2016 eq. 14): β·Σ_j log(min(Σ_t a_t(j), 1)) over the source words (not </s>)."""
    if beta == 0 or sums is None:
        return 0.0
    return beta * sum(math.log(min(s, 1.0)) if s > 0 else float("-inf") for s in sums[:-1].tolist())


@torch.no_grad()
def beam_search(model, ids, k, max_len, alpha=0.0, n_best=1, beta=0.0, copy=None):
    """attn's SentenceBeam: K best extensions per step; those ending in </s> leave the beam."""
    state = _source(model, ids, copy)
    live = [(0.0, [], None)]  # (log-prob, tokens, summed attention over the real source positions)
    ended = []  # (score, log-prob, tokens, order)
    prev = torch.tensor([BOS])
    S = len(ids)

    def end(total, tokens, sums, length):
        ended.append((total / length_penalty(length, alpha) + coverage_penalty(sums, beta), total, tokens, len(ended)))

    for t in range(max_len):
        lp, state, w = model.next_log_probs(prev, state, t)
        candidates = []
        for slot, (score, tokens, _) in enumerate(live):
            for token, value in _topk(lp[slot], k):
                candidates.append((score + value, slot, token))
        candidates.sort(key=lambda c: -c[0])  # stable: ties keep slot then token order
        nxt, rows, toks = [], [], []
        for total, slot, token in candidates[:k]:
            tokens = live[slot][1] + [token]
            sums = live[slot][2]
            if beta and w is not None:
                row = w[slot, :S].double()
                sums = row if sums is None else sums + row
            if token == EOS:
                end(total, tokens, sums, t + 1)
            else:
                nxt.append((total, tokens, sums))
                rows.append(slot)
                toks.append(token)
        live = nxt
        if t + 1 >= max_len:
            for total, tokens, sums in live:
                end(total, tokens, sums, t + 1)
            live = []
        if not live:
            break
        if len(ended) >= k:
            kth = sorted((e[0] for e in ended), reverse=True)[k - 1]
            best_live = max(h[0] for h in live)
            bound = best_live if alpha == 0 else best_live / length_penalty(max_len, alpha)
            if kth >= bound:
                break
        state = model.select(state, torch.tensor(rows, dtype=torch.long))
        prev = torch.tensor(toks, dtype=torch.long)
    ended.sort(key=lambda e: (-e[0], e[3]))
    return [(e[2], e[1], e[0]) for e in ended[:n_best]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--beam", type=int, default=1)
    ap.add_argument("--length-penalty", type=float, default=0.0)
    ap.add_argument("--coverage-penalty", type=float, default=None, help="β of GNMT's coverage penalty (default: the config's decoding.coveragePenalty)")
    ap.add_argument("--max-len", type=int, default=None)
    ap.add_argument("--weights", default="model.safetensors", help="model.safetensors, or a checkpoint written by train.py")
    args = ap.parse_args()
    model, config = load_model(HERE, args.weights)
    pipeline = TextPipeline(os.path.join(HERE, "pipeline.json"))
    max_len = args.max_len or config["decoding"]["maxLen"]
    beta = args.coverage_penalty if args.coverage_penalty is not None else config["decoding"].get("coveragePenalty", 0.0)
    copy = getattr(model, "copy", False)
    data = sys.stdin.buffer.read().decode("utf-8")
    if data.startswith("\ufeff"):
        data = data[1:]
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = io.StringIO()
    for line in lines:
        line = line[:-1] if line.endswith("\r") else line
        ids = pipeline.encode_source(line)
        source = pipeline.copy_source(line) if copy else None
        if args.beam == 1 and args.length_penalty == 0 and beta == 0:
            tokens, _ = greedy(model, ids, max_len, source)
        else:
            tokens = beam_search(model, ids, args.beam, max_len, args.length_penalty, beta=beta, copy=source)[0][0]
        out.write(pipeline.decode_target(tokens, source[1] if source else None) + "\n")
    sys.stdout.buffer.write(out.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
