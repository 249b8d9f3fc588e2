"""The attn run's model in plain torch.nn, with attn's parameter names (written by `attn export`).

Names and shapes are those of docs/checkpoint-format.md, so `model.safetensors` loads with
`load_state_dict(strict=True)`. Only torch is needed: `read_safetensors` parses the file with
struct and json. One step of the decoder does what attn's does (src/models/decoders/*.ts).
"""
import json
import math
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS, EOS, UNK = 0, 1, 2, 3

_DTYPES = {"F32": (torch.float32, 4), "I32": (torch.int32, 4), "I64": (torch.int64, 8)}


def read_safetensors(path):
    """{name: torch.Tensor} of a safetensors file (F32, I32, I64), without the safetensors package."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def write_safetensors(path, tensors, metadata=None):
    """Write {name: tensor} as safetensors (F32/I32/I64, header padded to 8 bytes), in the dict's order."""
    names = {torch.float32: "F32", torch.int32: "I32", torch.int64: "I64"}
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in names:
            t = t.float()
        b = t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


# ---------------------------------------------------------------- encoder and bridge


class Encoder(nn.Module):
    """Source embeddings and a (bidirectional, multi-layer) GRU/LSTM over packed sequences."""

    def __init__(self, enc, vocab_size, transformer=None):
        super().__init__()
        self.layers = enc["layers"]
        self.dirs = 2 if enc["bidirectional"] else 1
        self.hidden = enc["hiddenSize"]
        self.dropout = nn.Dropout(enc["dropout"])
        self.embedding = nn.Embedding(vocab_size, enc["embeddingSize"], padding_idx=PAD)
        rnn = nn.GRU if enc["type"] == "gru" else nn.LSTM
        self.rnn = rnn(enc["embeddingSize"], enc["hiddenSize"], num_layers=enc["layers"], bidirectional=enc["bidirectional"],
                       dropout=enc["dropout"] if enc["layers"] > 1 else 0.0, batch_first=True)
        self.output_size = self.hidden * self.dirs
        # Hybrid: Transformer encoder layers over the RNN outputs (encoder.self_attention.N.*).
        self.self_attention = None
        if enc.get("selfAttentionLayers", 0) > 0:
            t = transformer
            self.pre = t["normFirst"]
            self.act = torch.nn.functional.gelu if t["activation"] == "gelu" else torch.nn.functional.relu
            self.self_attention = nn.ModuleList([
                nn.TransformerEncoderLayer(self.output_size, t["heads"], t["ffSize"], t["dropout"], t["activation"], batch_first=True, norm_first=self.pre)
                for _ in range(enc["selfAttentionLayers"])])
            from transformer import add_self_attention_extras
            for layer in self.self_attention:
                add_self_attention_extras(layer.self_attn, t, t["heads"])

    def forward(self, src, lengths):
        """src [B, S] (0-padded), lengths [B] → outputs [B, S, D], final h per layer [B, D], final c per layer or None."""
        emb = self.dropout(self.embedding(src))
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        if self.self_attention is not None:
            from transformer import encoder_layer
            for layer in self.self_attention:
                out = encoder_layer(layer, out, src == PAD, self.pre, self.act)
        if isinstance(state, tuple):
            return out, self._per_layer(state[0]), self._per_layer(state[1])
        return out, self._per_layer(state), None

    def _per_layer(self, states):
        return [torch.cat([states[l * self.dirs + d] for d in range(self.dirs)], dim=1) for l in range(self.layers)]


class Bridge(nn.Module):
    """s0 = tanh(W [h_fwd; h_bwd] + b) per decoder layer from encoder layer min(l, L_e − 1); zeros with bridge "none"."""

    def __init__(self, kind, enc_size, hidden, layers, lstm):
        super().__init__()
        self.hidden, self.layers, self.lstm = hidden, layers, lstm
        self.h = nn.Linear(enc_size, hidden) if kind != "none" else None
        self.c = nn.Linear(enc_size, hidden) if kind != "none" and lstm else None

    def forward(self, final_h, final_c, batch):
        pick = lambda states, l: states[min(l, len(states) - 1)]
        zeros = lambda: final_h[0].new_zeros(batch, self.hidden)
        h = [torch.tanh(self.h(pick(final_h, l))) if self.h is not None else zeros() for l in range(self.layers)]
        if not self.lstm:
            return torch.stack(h), None
        source = final_c if final_c is not None else final_h
        c = [torch.tanh(self.c(pick(source, l))) if self.c is not None else zeros() for l in range(self.layers)]
        return torch.stack(h), torch.stack(c)


# ---------------------------------------------------------------- attention


class AdditiveScore(nn.Module):
    """e_j = vᵀ tanh(W₁ q + W₂ k_j) (Bahdanau et al. 2014)."""

    def __init__(self, q, k, size, coverage=False):
        super().__init__()
        self.query_proj = nn.Linear(q, size, bias=False)
        self.key_proj = nn.Linear(k, size, bias=False)
        self.v = nn.Parameter(torch.zeros(size))
        self.coverage_proj = nn.Linear(1, size, bias=False) if coverage else None

    def prepare(self, keys):
        return self.key_proj(keys)

    def energies(self, query, prepared, coverage=None):
        return torch.tanh(with_coverage(prepared, self.coverage_proj, coverage) + self.query_proj(query).unsqueeze(1)) @ self.v


def with_coverage(keys, proj, coverage):
    """Projected keys [N, S, A] plus the coverage term c_t(j)·w_c (See et al. 2017 eq. 11), when the score has one and c_t ≠ 0."""
    if proj is None or coverage is None:
        return keys
    return keys + coverage.unsqueeze(-1) * proj.weight[:, 0]


class DotScore(nn.Module):
    def __init__(self, scaled):
        super().__init__()
        self.scaled = scaled

    def prepare(self, keys):
        return keys

    def energies(self, query, prepared):
        e = (prepared @ query.unsqueeze(2)).squeeze(2)
        return e / math.sqrt(prepared.shape[2]) if self.scaled else e


class GeneralScore(nn.Module):
    """e_s = qᵀ W k_s (Luong et al. 2015)."""

    def __init__(self, q, k):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(q, k))

    def prepare(self, keys):
        return keys @ self.W.t()

    def energies(self, query, prepared):
        return (prepared @ query.unsqueeze(2)).squeeze(2)


class BilinearScore(nn.Module):
    """e_s = qᵀ U Vᵀ k_s (rank r)."""

    def __init__(self, q, k, rank):
        super().__init__()
        self.U = nn.Parameter(torch.zeros(q, rank))
        self.V = nn.Parameter(torch.zeros(k, rank))

    def prepare(self, keys):
        return keys @ self.V

    def energies(self, query, prepared):
        return (prepared @ (query @ self.U).unsqueeze(2)).squeeze(2)


class ConcatScore(nn.Module):
    """e_s = vᵀ tanh(W [q; k_s]) (Luong et al. 2015); the first q columns of W act on the query."""

    def __init__(self, q, k, size, coverage=False):
        super().__init__()
        self.q = q
        self.W = nn.Parameter(torch.zeros(size, q + k))
        self.v = nn.Parameter(torch.zeros(size))
        self.coverage_proj = nn.Linear(1, size, bias=False) if coverage else None

    def prepare(self, keys):
        return keys @ self.W[:, self.q:].t()

    def energies(self, query, prepared, coverage=None):
        return torch.tanh(with_coverage(prepared, self.coverage_proj, coverage) + (query @ self.W[:, : self.q].t()).unsqueeze(1)) @ self.v


def top_k_mask(e, mask, k):
    """mask plus everything outside each row's k largest unmasked scores (ties: lowest position)."""
    order = torch.sort(e.detach().masked_fill(mask, float("-inf")), dim=-1, descending=True, stable=True).indices
    keep = torch.zeros_like(mask).scatter_(-1, order[..., :k], True)
    return mask | ~keep


def sparse_normalize(e, mask, kind):
    """sparsemax (α = 2) or 1.5-entmax, exact by sorting, in float64 as attn's kernels (src/kernels/js/entmax.ts); differentiable."""
    scale, power = (1.0, 1) if kind == "sparsemax" else (0.5, 2)
    x = e.double()
    mx = x.detach().masked_fill(mask, float("-inf")).max(dim=-1, keepdim=True).values
    z = ((x - mx) * scale).masked_fill(mask, float("-inf"))
    zs = torch.sort(z, dim=-1, descending=True).values
    finite = torch.isfinite(zs)
    zf = torch.where(finite, zs, torch.zeros_like(zs))
    k = torch.arange(1, z.shape[-1] + 1, dtype=x.dtype, device=x.device)
    s1 = torch.cumsum(zf, -1)
    if kind == "sparsemax":
        t = (s1 - 1) / k
        ok = (zs > t) & finite
    else:
        mean = s1 / k
        delta = (1 - k * (torch.cumsum(zf * zf, -1) / k - mean * mean)) / k
        t = mean - torch.sqrt(torch.clamp(delta, min=0))
        ok = (t <= zs) & finite
    last = (ok.long() * torch.arange(z.shape[-1], device=x.device)).max(dim=-1, keepdim=True).values
    tau = t.gather(-1, last)
    p = torch.clamp(z - tau, min=0) ** power
    return p.masked_fill(mask, 0.0).to(e.dtype)


TINY = 1.1754943508222875e-38  # float32's smallest normal: smaller weights are written as exact zeros, as attn does


class _EntmaxBisect(torch.autograd.Function):
    """α-entmax by bisection on τ (Peters, Niculae & Martins 2019 §3.1; Blondel et al. 2019), float64.

    y_i = [(α−1)(x_i − max x) − τ]_+^{1/(α−1)}, τ such that Σ y = 1, over the unmasked entries of each
    row; α broadcasts against x[..., :1]. As attn's kernel (src/kernels/js/entmax.ts): τ starts in
    [−1, −(1/n)^{α−1}], halves until the bracket is 1e-14 wide (at most 64 times), τ = the lower end,
    then the row is divided by its sum. Backward: Peters et al. Prop. 2 for x, Correia et al. 2019
    appendix A for α.
    """

    @staticmethod
    def forward(ctx, x, mask, alpha):
        a = alpha.expand_as(x[..., :1])
        z = ((x - x.masked_fill(mask, float("-inf")).max(dim=-1, keepdim=True).values) * (a - 1)).masked_fill(mask, float("-inf"))
        power = 1 / (a - 1)
        n = (~mask).sum(dim=-1, keepdim=True).clamp(min=1).to(x.dtype)
        lo, hi = torch.full_like(a, -1.0), -torch.pow(1 / n, a - 1)
        mass = lambda tau: torch.where(z > tau, torch.clamp(z - tau, min=0) ** power, torch.zeros_like(z)).sum(dim=-1, keepdim=True)
        for _ in range(64):
            active = hi - lo > 1e-14
            if not active.any():
                break
            mid = 0.5 * (lo + hi)
            above = mass(mid) >= 1
            lo = torch.where(active & above, mid, lo)
            hi = torch.where(active & ~above, mid, hi)
        u = torch.clamp(z - lo, min=0)
        p = torch.where(u > 0, u ** power, torch.zeros_like(u))
        y = p / p.sum(dim=-1, keepdim=True)
        y = torch.where((y < TINY) | mask, torch.zeros_like(y), y)
        y = torch.nan_to_num(y, nan=0.0)  # a fully masked row
        ctx.save_for_backward(y, a)
        ctx.alpha_shape = alpha.shape
        return y

    @staticmethod
    def backward(ctx, dy):
        y, a = ctx.saved_tensors
        s = torch.where(y > 0, y.clamp(min=TINY) ** (2 - a), torch.zeros_like(y))
        ss = s.sum(dim=-1, keepdim=True)
        safe = torch.where(ss > 0, ss, torch.ones_like(ss))
        dx = s * (dy - (s * dy).sum(dim=-1, keepdim=True) / safe)
        dalpha = None
        if ctx.needs_input_grad[2]:
            ylogy = torch.where(y > 0, y * torch.log(y.clamp(min=TINY)), torch.zeros_like(y))
            ent = ylogy.sum(dim=-1, keepdim=True)
            sh = s / safe
            am1 = a - 1
            dya = torch.where(y > 0, (y - sh) / (am1 * am1) - (ylogy - sh * ent) / am1, torch.zeros_like(y))
            dalpha = (dy * dya).sum(dim=-1, keepdim=True).sum_to_size(ctx.alpha_shape)
        return dx, None, dalpha


ALPHA_FLOOR = 1.01


class Normalizer(nn.Module):
    """How scores become weights (src/attention/normalizers/): softmax, sparsemax, entmax15, or α-entmax
    by bisection with a fixed α or one learned per head (`pre_alpha`, α_h = 1.01 + softplus(a_h),
    Correia et al. 2019); optionally over each row's top k scores only."""

    def __init__(self, spec, heads=1):
        super().__init__()
        self.kind = spec.get("normalizer", "softmax")
        self.top_k = spec.get("topK")
        alpha = spec.get("alpha", 1.5)
        self.fixed_alpha = alpha
        if self.kind == "entmax" and spec.get("learnAlpha", False):
            y = alpha - ALPHA_FLOOR
            self.pre_alpha = nn.Parameter(torch.full([heads], y if y > 30 else math.log(math.expm1(y))))
        else:
            self.pre_alpha = None

    def alpha(self):
        if self.pre_alpha is None:
            return torch.tensor([self.fixed_alpha], dtype=torch.float64)
        return (torch.log(torch.exp(self.pre_alpha) + 1) + ALPHA_FLOOR).double()

    def forward(self, e, mask):
        """Weights of scores e [B, heads, ..., S] (or [N, S] for one head); mask True = masked out."""
        mask = mask.expand_as(e)
        if self.top_k is not None:
            mask = top_k_mask(e, mask, self.top_k)
        if self.kind == "softmax":
            return torch.nan_to_num(torch.softmax(e.masked_fill(mask, float("-inf")), dim=-1), nan=0.0)
        if self.kind == "entmax":
            a = self.alpha()
            a = a.view(a.shape[0], *([1] * (e.dim() - 2))) if a.shape[0] > 1 else a
            return _EntmaxBisect.apply(e.double(), mask, a).to(e.dtype)
        return sparse_normalize(e, mask, self.kind)


class Attention(nn.Module):
    """score × scope (global, local-m, local-p) × normaliser (Normalizer); c_t = Σ_s a_t(s) k_s; coverage c_t into additive/concat scores."""

    def __init__(self, att, q, k):
        super().__init__()
        score = att["score"]
        self.scope = att["scope"]
        self.window = att["window"]
        self.local_p = att.get("localP", "renormalised")
        self.context_size = k
        if self.scope == "local-p":
            self.position_v = nn.Parameter(torch.zeros(att["size"], 1))
        coverage = att.get("coverage", False)
        if score == "additive":
            self.score = AdditiveScore(q, k, att["size"], coverage)
        elif score in ("dot", "scaled-dot"):
            self.score = DotScore(score == "scaled-dot")
        elif score == "general":
            self.score = GeneralScore(q, k)
        elif score == "bilinear":
            self.score = BilinearScore(q, k, att["rank"])
        elif score == "concat":
            self.score = ConcatScore(q, k, att["size"], coverage)
        else:
            raise ValueError(f"model.attention.score {score!r}: not supported")
        if self.scope == "local-p":
            self.position_proj = nn.Linear(q, att["size"], bias=False)
        self.normalizer = Normalizer(att)

    def prepare(self, keys, pad_mask, lengths):
        return {"keys": keys, "prepared": self.score.prepare(keys), "pad": pad_mask, "lengths": lengths}

    def forward(self, query, memory, step, coverage=None):
        keys, pad, lengths = memory["keys"], memory["pad"], memory["lengths"]
        S = keys.shape[1]
        e = self.score.energies(query, memory["prepared"], coverage) if coverage is not None else self.score.energies(query, memory["prepared"])
        mask = pad
        factor = None
        if self.scope in ("local-m", "local-p"):
            positions = torch.arange(S, device=keys.device)
            if self.scope == "local-m":
                centre = torch.minimum(torch.full_like(lengths, step), lengths - 1)
            else:
                gate = torch.sigmoid(torch.tanh(self.position_proj(query)) @ self.position_v)  # [N, 1]
                p = gate * lengths.to(gate.dtype).unsqueeze(1)
                rounded = torch.floor(p.squeeze(1).double() + 0.5).long()  # JavaScript's Math.round
                centre = torch.minimum(rounded, lengths - 1)
                sigma = self.window / 2
                log_g = -((positions.to(p.dtype).unsqueeze(0) - p) ** 2) * (1.0 / (2 * sigma * sigma))
                if self.local_p == "paper":
                    factor = torch.exp(log_g)
                else:
                    e = e + log_g
            c = centre.clamp(min=0).unsqueeze(1)
            outside = (positions.unsqueeze(0) < c - self.window) | (positions.unsqueeze(0) > c + self.window)
            mask = mask | outside
        w = self.normalizer(e, mask)
        if factor is not None:
            w = w * factor
        context = (w.unsqueeze(1) @ keys).squeeze(1)
        return context, w


def custom_normalizer(mha, spec, heads):
    """Give a torch.nn.MultiheadAttention attn's normaliser (mha.normalizer, with pre_alpha when α is learned) unless it is the plain softmax."""
    if spec.get("normalizer", "softmax") != "softmax" or spec.get("topK") is not None:
        mha.normalizer = Normalizer(spec, heads)


def project(mha, query, kv):
    """q, k, v of torch.nn.MultiheadAttention's input projections (packed in_proj_weight, or q/k/v_proj_weight when kdim ≠ embed_dim)."""
    if mha._qkv_same_embed_dim:
        wq, wk, wv = mha.in_proj_weight.chunk(3)
    else:
        wq, wk, wv = mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight
    bq, bk, bv = mha.in_proj_bias.chunk(3)
    return F.linear(query, wq, bq), F.linear(kv, wk, bk), F.linear(kv, wv, bv)


def attend(mha, query, kv, pad, causal=None, rotate=None, bias=None):
    """torch.nn.MultiheadAttention's computation written out (batch_first): query [B, T, E], kv [B, S, Dk], pad [B, S].

    rotate(x) turns q and k (rotary positions), bias [1 or B, H, T, S] is added to the scaled scores
    (ALiBi, T5), mha.relative adds Shaw et al.'s terms, mha.normalizer (if set) replaces the softmax
    and mha.adaptive_span masks and renormalises the weights. Returns the output [B, T, E] and the
    weights [B, H, T, S].
    """
    B, T, E = query.shape
    S = kv.shape[1]
    H = mha.num_heads
    d = E // H
    q, k, v = project(mha, query, kv)
    if rotate is not None:
        q, k = rotate(q), rotate(k)
    split = lambda x, n: x.reshape(B, n, H, d).transpose(1, 2)  # [B, H, n, d]
    scores = split(q, T) @ split(k, S).transpose(-1, -2) * (1.0 / math.sqrt(d))
    if bias is not None:
        scores = scores + bias.to(scores.dtype)
    mask = pad[:, None, None, :]
    if causal is not None:
        mask = mask | causal[None, None]
    relative = getattr(mha, "relative", None)  # Shaw et al. 2018 (transformer.ShawRelative)
    if relative is not None:
        buckets = relative.buckets(T, S)
        scores = scores + (split(q, T) @ relative.key.t()).gather(-1, buckets.expand(B, H, T, S)) * (1.0 / math.sqrt(d))
    normalizer = getattr(mha, "normalizer", None)
    if normalizer is not None:
        w = normalizer(scores, mask)
    else:
        w = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    span = getattr(mha, "adaptive_span", None)  # Sukhbaatar et al. 2019 (transformer.AdaptiveSpan)
    if span is not None:
        w = span(w)
    applied = F.dropout(w, mha.dropout, mha.training)
    heads = applied @ split(v, S)
    if relative is not None:
        heads = heads + torch.einsum("bhts,tsd->bhtd", applied, relative.value[buckets])
    out = heads.transpose(1, 2).reshape(B, T, E)
    return mha.out_proj(out), w


class MultiheadAttention(nn.Module):
    """The "multihead" score: torch.nn.MultiheadAttention(H, heads, kdim = vdim = D); weights are the heads' mean."""

    def __init__(self, q, k, heads, dropout, att=None):
        super().__init__()
        self.context_size = q
        self.mha = nn.MultiheadAttention(q, heads, dropout=dropout, kdim=k, vdim=k, batch_first=True)
        custom_normalizer(self.mha, att or {}, heads)

    def prepare(self, keys, pad_mask, lengths):
        return {"keys": keys, "pad": pad_mask, "lengths": lengths}

    def forward(self, query, memory, step, coverage=None):
        if hasattr(self.mha, "normalizer"):
            out, w = attend(self.mha, query.unsqueeze(1), memory["keys"], memory["pad"])
            return out.squeeze(1), w.mean(dim=1).squeeze(1)
        out, w = self.mha(query.unsqueeze(1), memory["keys"], memory["keys"], key_padding_mask=memory["pad"], need_weights=True, average_attn_weights=True)
        return out.squeeze(1), w.squeeze(1)


# ---------------------------------------------------------------- decoders


class OutputLayer(nn.Module):
    """logits = W f + b, torch.nn.Linear's layout; with tied embeddings W is the target embedding (only the bias is stored)."""

    def __init__(self, features, vocab, tied=None):
        super().__init__()
        self.__dict__["tied"] = tied  # not a submodule: the weight is stored once, as decoder.embedding.weight
        if tied is None:
            self.weight = nn.Parameter(torch.zeros(vocab, features))
        self.bias = nn.Parameter(torch.zeros(vocab))

    def forward(self, x):
        w = self.tied.weight if self.tied is not None else self.weight
        return x @ w.t() + self.bias


class Decoder(nn.Module):
    """A recurrent decoder of type none, bahdanau or luong (docs/checkpoint-format.md).

    Coverage (attention.coverage): the state carries c_t = Σ_{t'<t} a_{t'} into the score. Copy
    attention (decoder.copy, See et al. 2017 §2.2): copy_gate gives p_gen = σ(w·[c_t; s_t; x_t] + b)
    and the step's distribution is the pointer-generator mixture over the extended vocabulary
    (copy_log_probs); an extended id (≥ V, a copied source word) fed back reads <unk>'s embedding.
    """

    def __init__(self, cfg, enc_size, vocab_size):
        super().__init__()
        dec, att = cfg["decoder"], cfg["attention"]
        self.type = dec["type"]
        self.vocab_size = vocab_size
        self.coverage = self.type != "none" and att.get("coverage", False)
        self.lstm = dec["cell"] == "lstm"
        self.input_feeding = dec["inputFeeding"]
        self.hidden = H = dec["hiddenSize"]
        E = dec["embeddingSize"]
        self.embedding_size = E
        self.dropout = nn.Dropout(dec["dropout"])
        self.embedding = nn.Embedding(vocab_size, E, padding_idx=PAD)
        ctx = H if att["score"] == "multihead" else enc_size
        if self.type == "none":
            rnn_in, features = E, H
        elif self.type == "bahdanau":
            rnn_in, features = E + ctx, H + ctx + E
        else:
            rnn_in, features = E + (H if self.input_feeding else 0), H
        rnn = nn.LSTM if self.lstm else nn.GRU
        self.rnn = rnn(rnn_in, H, num_layers=dec["layers"], dropout=dec["dropout"] if dec["layers"] > 1 else 0.0, batch_first=True)
        self.bridge = Bridge(dec["bridge"], enc_size, H, dec["layers"], self.lstm)
        self.attention = None
        if self.type != "none":
            if att["score"] == "multihead":
                t = cfg["transformer"]
                self.attention = MultiheadAttention(H, enc_size, t["heads"], t["dropout"], att)
            else:
                self.attention = Attention(att, H, enc_size)
        self.output = OutputLayer(features, vocab_size, self.embedding if dec["tieEmbeddings"] else None)
        if self.type == "luong":
            self.combine = nn.Linear(ctx + H, H, bias=False)
        self.copy_gate = nn.Linear(ctx + H + E, 1) if dec.get("copy", False) and self.type != "none" else None

    def init(self, enc_out, final_h, final_c, pad_mask, lengths):
        B = enc_out.shape[0]
        h, c = self.bridge(final_h, final_c, B)
        memory = self.attention.prepare(enc_out, pad_mask, lengths) if self.attention is not None else None
        return {"h": h, "c": c, "feed": None, "memory": memory, "coverage": None}

    def _advance(self, x, state):
        if self.lstm:
            out, (h, c) = self.rnn(x.unsqueeze(1), (state["h"], state["c"]))
            return h, c
        out, h = self.rnn(x.unsqueeze(1), state["h"])
        return h, None

    def _attend(self, query, state, t):
        """Context, weights and the next coverage c_{t+1} = c_t + a_t (None without coverage)."""
        coverage = state["coverage"] if self.coverage else None
        context, w = self.attention(query, state["memory"], t, coverage)
        return context, w, ((coverage + w if coverage is not None else w) if self.coverage else None)

    def step(self, prev, state, t):
        """Feed tokens prev [N] at step t → (features [N, F], new state, attention weights [N, S] or None, p_gen's logit [N] or None)."""
        ids = prev.masked_fill(prev >= self.vocab_size, UNK) if self.copy_gate is not None else prev
        emb = self.dropout(self.embedding(ids))
        if self.type == "none":
            h, c = self._advance(emb, state)
            return h[-1], {**state, "h": h, "c": c}, None, None
        if self.type == "bahdanau":
            context, w, cov = self._attend(state["h"][-1], state, t)
            h, c = self._advance(torch.cat([emb, context], 1), state)
            top, features, feed = h[-1], torch.cat([h[-1], context, emb], 1), state["feed"]
        else:
            x = emb
            if self.input_feeding:
                feed = state["feed"] if state["feed"] is not None else emb.new_zeros(emb.shape[0], self.hidden)
                x = torch.cat([emb, feed], 1)
            h, c = self._advance(x, state)
            top = h[-1]
            context, w, cov = self._attend(top, state, t)
            features = feed = torch.tanh(self.combine(torch.cat([context, top], 1)))
        gate = self.copy_gate(torch.cat([context, top, emb], 1)).squeeze(1) if self.copy_gate is not None else None
        return features, {**state, "h": h, "c": c, "feed": feed, "coverage": cov}, w, gate

    def logits(self, features):
        return self.output(self.dropout(features))


def copy_log_probs(logits, gate, weights, copy_ids, extended):
    """The pointer-generator distribution (See et al. 2017 eq. 9) as log-probabilities [N, extended], in float64 as attn:

    log P(w) = logaddexp(log p_gen + log softmax(logits)_w, log(1 − p_gen) + log Σ_{j: ids_j = w} a_j),
    p_gen = σ(gate); copy_ids [N, S] are the output ids of the source positions (−1 at padding).
    A word with neither a vocabulary entry nor attention gets −∞.
    """
    N, V = logits.shape
    g = gate.double()
    gen = torch.log_softmax(logits.double(), dim=-1) + F.logsigmoid(g).unsqueeze(1)
    gen = torch.cat([gen, gen.new_full((N, extended - V), float("-inf"))], 1)
    real = copy_ids >= 0
    mass = gen.new_zeros(N, extended).scatter_add(1, copy_ids.clamp(min=0), weights.double() * real)
    copied = F.logsigmoid(-g).unsqueeze(1) + torch.log(mass.clamp(min=1e-300))  # finite everywhere, so no NaN gradient
    return torch.where(mass > 0, torch.logaddexp(gen, copied), gen).to(logits.dtype)


class Seq2Seq(nn.Module):
    """attn's Seq2Seq: names encoder.* and decoder.* as in model.safetensors."""

    def __init__(self, config, src_vocab, tgt_vocab):
        super().__init__()
        m = config["model"]
        self.encoder = Encoder(m["encoder"], src_vocab, m["transformer"])
        self.decoder = Decoder(m, self.encoder.output_size, tgt_vocab)
        self.copy = self.decoder.copy_gate is not None

    def encode(self, src, lengths, copy=None):
        """copy (copy attention): (copy_ids [B, S], −1 at padding; the extended vocabulary size), as tokenizer.copy_batch gives."""
        out, fh, fc = self.encoder(src, lengths)
        pad = src == PAD
        state = self.decoder.init(out, fh, fc, pad, lengths)
        if self.copy:
            if copy is None:
                raise ValueError("copy attention: pass copy=(copy_ids, extended) (tokenizer.copy_batch)")
            state["memory"]["copy_ids"] = copy[0]
            state["extended"] = copy[1]
        return state

    def _log_probs(self, logits, gate, w, state):
        if not self.copy:
            return torch.log_softmax(logits, dim=-1)
        return copy_log_probs(logits, gate, w, state["memory"]["copy_ids"], state["extended"])

    def forward(self, src, lengths, tgt_in, copy=None):
        """Teacher forcing: logits [B, T, V] and attention weights [B, T, S] (None without attention).

        With copy attention, log-probabilities over the extended vocabulary [B, T, extended] in place
        of the logits (tgt_in may hold extended ids)."""
        state = self.encode(src, lengths, copy)
        feats, weights, gates = [], [], []
        for t in range(tgt_in.shape[1]):
            f, state, w, gate = self.decoder.step(tgt_in[:, t], state, t)
            feats.append(f)
            if w is not None:
                weights.append(w)
            gates.append(gate)
        logits = self.decoder.logits(torch.stack(feats, 1))
        weights = torch.stack(weights, 1) if weights else None
        if self.copy:
            B, T, V = logits.shape
            ids = state["memory"]["copy_ids"].repeat_interleave(T, 0)
            lp = copy_log_probs(logits.reshape(B * T, V), torch.stack(gates, 1).reshape(B * T), weights.reshape(B * T, -1), ids, state["extended"])
            return lp.reshape(B, T, -1), weights
        return logits, weights

    def start(self, src, lengths, copy=None):
        return self.encode(src, lengths, copy)

    def next_log_probs(self, prev, state, t):
        f, state, w, gate = self.decoder.step(prev, state, t)
        return self._log_probs(self.decoder.logits(f), gate, w, state), state, w

    @staticmethod
    def select(state, rows):
        """The state of hypothesis rows `rows` (beam search); the memory follows the rows."""
        out = {"h": state["h"][:, rows], "c": state["c"][:, rows] if state["c"] is not None else None,
               "feed": state["feed"][rows] if state["feed"] is not None else None, "memory": None,
               "coverage": state["coverage"][rows] if state["coverage"] is not None else None}
        if "extended" in state:
            out["extended"] = state["extended"]
        if state["memory"] is not None:
            out["memory"] = {k: v[rows] for k, v in state["memory"].items()}
        return out


def copy_batch(copy_ids, vocab_size, oov_counts):
    """Copy attention's batch input: (copy ids [B, S] padded with −1, the extended size V + the largest oov count)."""
    S = max(len(ids) for ids in copy_ids)
    return torch.tensor([ids + [-1] * (S - len(ids)) for ids in copy_ids], dtype=torch.long), vocab_size + max(oov_counts)


def build_model(config, src_vocab, tgt_vocab):
    m = config["model"]
    if m["encoder"]["type"] == "transformer":
        from transformer import TransformerSeq2Seq
        return TransformerSeq2Seq(config, src_vocab, tgt_vocab)
    return Seq2Seq(config, src_vocab, tgt_vocab)


def load_model(directory, weights="model.safetensors"):
    """(model in eval mode, config) of an exported folder."""
    import os
    config = json.load(open(os.path.join(directory, "config.json"), encoding="utf-8"))
    pipeline = json.load(open(os.path.join(directory, "pipeline.json"), encoding="utf-8"))
    src_vocab = len(pipeline["srcVocab"]["tokens"])
    tgt = pipeline["tgtVocab"]
    tgt_vocab = src_vocab if tgt == "shared" else len(tgt["tokens"])
    model = build_model(config, src_vocab, tgt_vocab)
    path = os.path.join(directory, weights)
    state = torch.load(path, map_location="cpu") if path.endswith(".pt") else read_safetensors(path)
    if isinstance(state, dict) and "model" in state and isinstance(state["model"], dict):
        state = state["model"]
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, config
