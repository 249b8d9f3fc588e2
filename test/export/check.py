"""Teacher-forced log-probabilities and attention of an exported attn model (test/export/exportFamilies.ts).

    python3 check.py EXPORT_DIR PAIRS.json [--weights FILE] [--greedy] [--beam K]

PAIRS.json: [[source, target], ...]. All pairs run as one padded batch (packed sequences), so the
per-sentence numbers also check that padding never leaks. Prints JSON: {"pairs": [{"logProbs": [[V]
per step], "attention": [[real source positions] per step] or null}, ...], "greedy": [translation
of each source by translate.py's greedy search] or null, "beam": [the same by its beam search of
width K, with the config's coverage penalty] or null}; step t predicts target token t (the
last one </s>). With copy attention the log-probabilities are the pointer-generator mixture over
the sentence's extended vocabulary (V + its oov words), and targets use extended ids.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.abspath(sys.argv[1]))
from model import PAD, copy_batch, load_model  # noqa: E402
from tokenizer import TextPipeline  # noqa: E402

directory = os.path.abspath(sys.argv[1])
weights = sys.argv[sys.argv.index("--weights") + 1] if "--weights" in sys.argv else "model.safetensors"
model, model_config = load_model(directory, weights)
pipeline = TextPipeline(os.path.join(directory, "pipeline.json"))
pairs = json.load(open(sys.argv[2], encoding="utf-8"))
srcs = [pipeline.encode_source(s) for s, _ in pairs]
copy = getattr(model, "copy", False)
sources = [pipeline.copy_source(s) for s, _ in pairs] if copy else None
tgts = [pipeline.encode_target_copy(t, sources[i][1]) if copy else pipeline.encode_target(t) for i, (_, t) in enumerate(pairs)]
V = len(pipeline.tgt_vocab)
S = max(len(s) for s in srcs)
T = max(len(t) - 1 for t in tgts)
src = torch.tensor([s + [PAD] * (S - len(s)) for s in srcs], dtype=torch.long)
tgt_in = torch.tensor([t[:-1] + [PAD] * (T - len(t) + 1) for t in tgts], dtype=torch.long)
lengths = torch.tensor([len(s) for s in srcs], dtype=torch.long)
with torch.no_grad():
    extra = {"copy": copy_batch([c[0] for c in sources], V, [len(c[1]) for c in sources])} if copy else {}
    logits, weights = model(src, lengths, tgt_in, **extra)
    lp = torch.log_softmax(logits, dim=-1)
out = []
greedy = None
if "--greedy" in sys.argv:
    # translate.py's own greedy search, without a second process (the CLI is run by the test for some families).
    import translate
    greedy = [pipeline.decode_target(translate.greedy(model, ids, model_config["decoding"]["maxLen"], sources[i] if copy else None)[0], sources[i][1] if copy else None)
              for i, ids in enumerate(srcs)]
beam = None
if "--beam" in sys.argv:
    import translate
    K = int(sys.argv[sys.argv.index("--beam") + 1])
    beta = model_config["decoding"].get("coveragePenalty", 0.0)
    beam = [pipeline.decode_target(translate.beam_search(model, ids, K, model_config["decoding"]["maxLen"], beta=beta, copy=sources[i] if copy else None)[0][0], sources[i][1] if copy else None)
            for i, ids in enumerate(srcs)]
for b, (s, t) in enumerate(zip(srcs, tgts)):
    steps = len(t) - 1
    out.append({
        "logProbs": lp[b, :steps, : V + len(sources[b][1]) if copy else None].tolist(),
        "attention": weights[b, :steps, : len(s)].tolist() if weights is not None else None,
    })
print(json.dumps({"pairs": out, "greedy": greedy, "beam": beam}))
