"""attn's Transformer (src/models/transformer/) in torch.nn, with attn's parameter names.

The layers are torch.nn.TransformerEncoderLayer / TransformerDecoderLayer (batch_first), in stacks
named like torch.nn.TransformerEncoder / TransformerDecoder (encoder.layers.N.…, encoder.norm for
pre-norm models), so model.safetensors loads with load_state_dict(strict=True). Their forward is
written out below so that the cross-attention weights can be returned. Positions: sinusoidal and
learned (added to the embeddings, which are scaled by √d_model), Shaw et al.'s relative positions,
rotary, ALiBi and T5 buckets (inside every self-attention, written out in positional_self_attention),
and the adaptive span (Sukhbaatar et al. 2019) of every self-attention; the efficient self-attentions
(sliding window + global tokens, Linformer, Performer with its stored features) in efficient_self_attention. attn's other normalisers (sparsemax, entmax15, α-entmax
with a fixed or learned α, top-k) replace the softmax of every attention (model.transformer), as
`normalizer` submodules of the nn.MultiheadAttention modules (model.attend).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import PAD, OutputLayer, attend, custom_normalizer, project


def sinusoidal_table(length, d):
    pe = torch.zeros(length, d, dtype=torch.float64)
    for pos in range(length):
        for c in range(0, d, 2):
            angle = pos / math.pow(10000, c / d)
            pe[pos, c] = math.sin(angle)
            if c + 1 < d:
                pe[pos, c + 1] = math.cos(angle)
    return pe.float()


class LearnedPositions(nn.Module):
    def __init__(self, length, d):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(length, d))


def rotate(x, head_dim, offset=0):
    """Rotary positions (Su et al. 2021) on x [B, T, E]: in every head the pair (x_2p, x_2p+1) at position offset + t turns by (offset + t)·10000^(−2p/head_dim)."""
    B, T, E = x.shape
    half = head_dim // 2
    freq = torch.tensor([math.pow(10000, -2 * p / head_dim) for p in range(half)], dtype=torch.float64)
    angle = torch.arange(offset, offset + T, dtype=torch.float64).unsqueeze(1) * freq  # [T, half]
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)
    xs = x.reshape(B, T, E // head_dim, half, 2)
    a, b = xs[..., 0], xs[..., 1]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([a * c - b * s, a * s + b * c], dim=-1).reshape(B, T, E)


def alibi_slopes(heads):
    """ALiBi's head slopes (Press et al. 2022), as src/nn/positions/alibi.ts."""
    power = lambda n: [math.pow(2, -8 * (i + 1) / n) for i in range(n)]
    below = 2 ** math.floor(math.log2(heads))
    if below == heads:
        return power(heads)
    return power(below) + [v for i, v in enumerate(power(2 * below)) if i % 2 == 0][: heads - below]


def t5_buckets(T, num_buckets, max_distance, bidirectional):
    """T5's relative-position buckets [T, T] of key j for query i (src/nn/positions/t5Buckets.ts)."""
    per_side = num_buckets // 2 if bidirectional else num_buckets
    max_exact = per_side // 2
    log_range = math.log(max_distance / max_exact)
    out = torch.zeros(T, T, dtype=torch.long)
    for i in range(T):
        for j in range(T):
            n = j - i
            bucket = 0
            if bidirectional:
                if n > 0:
                    bucket += per_side
                d = abs(n)
            else:
                d = max(-n, 0)
            if d < max_exact:
                bucket += d
            else:
                bucket += min(per_side - 1, max_exact + math.floor(math.log(d / max_exact) / log_range * (per_side - max_exact)))
            out[i, j] = bucket
    return out


class ShawRelative(nn.Module):
    """Shaw, Uszkoreit & Vaswani 2018: tables a^K = key, a^V = value [2k+1, d_head], shared by a layer's
    heads, indexed by clip(j − i, −k, k) + k; e_ij = q_i (k_j + a^K_ij)ᵀ/√d, z_i = Σ_j α_ij (v_j + a^V_ij)
    (model.attend). Stored as …self_attn.relative.key / .value."""

    def __init__(self, k, head_dim):
        super().__init__()
        self.k = k
        self.key = nn.Parameter(torch.zeros(2 * k + 1, head_dim))
        self.value = nn.Parameter(torch.zeros(2 * k + 1, head_dim))

    def buckets(self, T, S):
        i = torch.arange(T).unsqueeze(1)
        j = torch.arange(S).unsqueeze(0)
        return torch.clamp(j - i, -self.k, self.k) + self.k  # [T, S]


class AdaptiveSpan(nn.Module):
    """Sukhbaatar et al. 2019: head h's weights times m(x) = clamp((R + z_h·L − x)/R, 0, 1) of the distance
    x = |i − j|, renormalised per row (a row that loses all its mass stays 0). current_val = z [heads];
    train.py adds the span loss λ·L·mean(z) and clamps z to [0, 1] after each step, as attn does."""

    def __init__(self, heads, spec):
        super().__init__()
        self.max_span, self.ramp, self.loss_weight = spec.get("maxSpan", 64), spec.get("ramp", 32), spec.get("lossWeight", 2e-6)
        self.current_val = nn.Parameter(torch.full([heads], float(spec.get("init", 0.0))))

    def forward(self, w):
        T, S = w.shape[-2], w.shape[-1]
        x = (torch.arange(T).unsqueeze(1) - torch.arange(S).unsqueeze(0)).abs().to(w.dtype)
        reach = self.ramp + self.current_val.to(w.dtype) * self.max_span
        m = torch.clamp((reach[:, None, None] - x) / self.ramp, 0, 1)  # [H, T, S]
        u = w * m
        s = u.sum(dim=-1, keepdim=True)
        return torch.where(s > 0, u / torch.where(s > 0, s, torch.ones_like(s)), torch.zeros_like(u))

    def span_loss(self):
        return self.loss_weight * self.max_span * self.current_val.mean()

    @torch.no_grad()
    def clamp_(self):
        self.current_val.clamp_(0, 1)


class Linformer(nn.Module):
    """Wang et al. 2020 eq. 7: E, F [k, maxPositions] project keys and values along the sequence (a
    sequence of n uses the first n columns; padded keys and values are zeroed first); F = E with shareKV."""

    def __init__(self, k, max_positions, share):
        super().__init__()
        self.E = nn.Parameter(torch.zeros(k, max_positions))
        self.F = None if share else nn.Parameter(torch.zeros(k, max_positions))

    def forward(self, q, k, v, pad):
        S, d = k.shape[2], k.shape[3]
        keep = (~pad)[:, None, :, None].to(k.dtype)
        e = self.E[:, :S]
        f = e if self.F is None else self.F[:, :S]
        w = torch.softmax(q @ (e @ (k * keep)).transpose(-1, -2) * (1.0 / math.sqrt(d)), dim=-1)
        return w @ (f @ (v * keep))


class Performer(nn.Module):
    """FAVOR+ (Choromanski et al. 2021) with the stored orthogonal random features W = features [m, d_head]
    (not trained; train.py keeps them as exported, it does not redraw them):
    φ(x) = exp(W x − |x|²/2 − c)/√m of x = q·d^{-1/4} (c: each query row's max; for keys, the max over
    the sequence's real keys, per head; c cancels in the normalised attention),
    out = D⁻¹ φ(Q)(φ(K)ᵀV), D = φ(Q)(φ(K)ᵀ1), padded keys φ = 0; causal: the same over keys j ≤ i."""

    def __init__(self, m, head_dim, causal):
        super().__init__()
        self.features = nn.Parameter(torch.zeros(m, head_dim), requires_grad=False)
        self.causal = causal

    def forward(self, q, k, v, pad):
        m, d = self.features.shape
        scale = d ** -0.25

        def phi(x):
            x = x * scale
            return x @ self.features.t() - 0.5 * (x * x).sum(-1, keepdim=True)
        lq, lk = phi(q), phi(k)
        fq = torch.exp(lq - lq.detach().max(dim=-1, keepdim=True).values) * (1 / math.sqrt(m))
        padded = pad[:, None, :, None]
        ck = lk.detach().masked_fill(padded, float("-inf")).amax(dim=(2, 3), keepdim=True)
        fk = torch.exp(lk - torch.where(torch.isfinite(ck), ck, torch.zeros_like(ck))) * (1 / math.sqrt(m))
        fk = fk.masked_fill(padded, 0.0)
        if self.causal:
            T, S = q.shape[2], k.shape[2]
            a = (fq @ fk.transpose(-1, -2)).masked_fill(torch.arange(S)[None, :] > torch.arange(T)[:, None], 0.0)
            return (a @ v) / a.sum(-1, keepdim=True)
        return (fq @ (fk.transpose(-1, -2) @ v)) / (fq @ fk.sum(2, keepdim=True).transpose(-1, -2))


def efficient_self_attention(mha, x, pad, causal, rotate_fn=None):
    """attn's efficient self-attention (model.transformer.selfAttention) in place of the softmax one: window
    (Longformer: keys within ±w, ≤ i when causal, plus g global positions), linformer or performer. No dropout."""
    B, T, E = x.shape
    H = mha.num_heads
    d = E // H
    q, k, v = project(mha, x, x)
    if rotate_fn is not None:
        q, k = rotate_fn(q), rotate_fn(k)
    split = lambda y: y.reshape(B, T, H, d).transpose(1, 2)
    q, k, v = split(q), split(k), split(v)
    if hasattr(mha, "window"):
        w, g = mha.window
        i = torch.arange(T).unsqueeze(1)
        j = torch.arange(T).unsqueeze(0)
        allowed = (j <= i if causal is not None else torch.ones(T, T, dtype=torch.bool)) & ((i < g) | (j < g) | ((j - i).abs() <= w))
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
        a = torch.softmax(scores.masked_fill(~allowed[None, None] | pad[:, None, None, :], float("-inf")), dim=-1)
        out = torch.nan_to_num(a, nan=0.0) @ v
    elif hasattr(mha, "linformer"):
        out = mha.linformer(q, k, v, pad)
    else:
        out = mha.performer(q, k, v, pad)
    return mha.out_proj(out.transpose(1, 2).reshape(B, T, E))


def add_self_attention_extras(mha, t, heads, positions=None, causal=False):
    """attn's options of a self-attention (model.transformer): Shaw relative positions, the adaptive span,
    the normaliser, an efficient self-attention (Transformer layers only)."""
    kind = t.get("selfAttention", "full")
    if kind == "window" and positions is not None:
        mha.window = (t["window"], t["globalTokens"])
    if kind == "linformer" and positions is not None and not causal:
        mha.linformer = Linformer(t["projectedLength"], t["maxPositions"], t["shareKV"])
    if kind == "performer" and positions is not None:
        mha.performer = Performer(t["features"], mha.embed_dim // heads, causal)
    if positions == "relative":
        mha.relative = ShawRelative(t["maxRelativeDistance"], mha.embed_dim // heads)
    if t.get("adaptiveSpan") is not None:
        mha.adaptive_span = AdaptiveSpan(heads, t["adaptiveSpan"])
    custom_normalizer(mha, t, heads)


def positional_self_attention(mha, x, pad, causal, positions):
    """Self-attention with rotary positions on q and k, ALiBi's or T5's bias on the scores (and mha.normalizer, if any)."""
    B, T, E = x.shape
    H = mha.num_heads
    rotate_fn, bias = None, None
    if positions == "rotary":
        rotate_fn = lambda y: rotate(y, E // H)
    if any(hasattr(mha, a) for a in ("window", "linformer", "performer")):
        return efficient_self_attention(mha, x, pad, causal, rotate_fn)
    if positions == "alibi":
        slopes = torch.tensor(alibi_slopes(H), dtype=torch.float64)
        i = torch.arange(T, dtype=torch.float64)
        bias = (-slopes[:, None, None] * (i[:, None] - i[None, :]).abs()).unsqueeze(0)
    if positions == "t5":
        b = t5_buckets(T, mha.t5_buckets, mha.t5_max_distance, causal is None)
        bias = mha.relative_attention_bias.weight[b].permute(2, 0, 1).unsqueeze(0)  # [1, H, T, T]
    return attend(mha, x, x, pad, causal, rotate_fn, bias)[0]


def _written_out(mha, positions):
    return positions in ("rotary", "alibi", "t5") or any(hasattr(mha, a) for a in ("normalizer", "relative", "adaptive_span", "window", "linformer", "performer"))


def _ff(layer, x, act):
    return layer.linear2(layer.dropout(act(layer.linear1(x))))


def encoder_layer(layer, x, pad, pre, act, positions=None):
    def sa(y):
        if _written_out(layer.self_attn, positions):
            return positional_self_attention(layer.self_attn, y, pad, None, positions)
        return layer.self_attn(y, y, y, key_padding_mask=pad, need_weights=False)[0]
    if pre:
        x = x + layer.dropout1(sa(layer.norm1(x)))
        return x + layer.dropout2(_ff(layer, layer.norm2(x), act))
    x = layer.norm1(x + layer.dropout1(sa(x)))
    return layer.norm2(x + layer.dropout2(_ff(layer, x, act)))


def decoder_layer(layer, x, memory, causal, tgt_pad, mem_pad, pre, act, positions=None):
    def sa(y):
        if _written_out(layer.self_attn, positions):
            return positional_self_attention(layer.self_attn, y, tgt_pad, causal, positions)
        return layer.self_attn(y, y, y, attn_mask=causal, key_padding_mask=tgt_pad, need_weights=False)[0]

    def ca(y):
        if hasattr(layer.multihead_attn, "normalizer"):
            out, w = attend(layer.multihead_attn, y, memory, mem_pad)
            return out, w.mean(dim=1)
        return layer.multihead_attn(y, memory, memory, key_padding_mask=mem_pad, need_weights=True, average_attn_weights=True)
    if pre:
        x = x + layer.dropout1(sa(layer.norm1(x)))
        out, w = ca(layer.norm2(x))
        x = x + layer.dropout2(out)
        return x + layer.dropout3(_ff(layer, layer.norm3(x), act)), w
    x = layer.norm1(x + layer.dropout1(sa(x)))
    out, w = ca(x)
    x = layer.norm2(x + layer.dropout2(out))
    return layer.norm3(x + layer.dropout3(_ff(layer, x, act))), w


class Stack(nn.Module):
    def __init__(self, layers, norm):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.norm = norm


class TransformerSeq2Seq(nn.Module):
    """Names: src_embed.weight, tgt_embed.weight, (src_pos.weight, tgt_pos.weight), encoder.*, decoder.*, output.*."""

    def __init__(self, config, src_vocab, tgt_vocab):
        super().__init__()
        m = config["model"]
        t = m["transformer"]
        d = m["encoder"]["hiddenSize"]
        self.d = d
        self.pre = t["normFirst"]
        self.act = F.gelu if t["activation"] == "gelu" else F.relu
        self.positions = t["positions"]
        self.src_embed = nn.Embedding(src_vocab, d, padding_idx=PAD)
        self.tgt_embed = nn.Embedding(tgt_vocab, d, padding_idx=PAD)
        if self.positions == "learned":
            self.src_pos = LearnedPositions(t["maxPositions"], d)
            self.tgt_pos = LearnedPositions(t["maxPositions"], d)
        else:
            self.register_buffer("table", sinusoidal_table(max(1, t["maxPositions"]), d), persistent=False)
        kw = dict(d_model=d, nhead=t["heads"], dim_feedforward=t["ffSize"], dropout=t["dropout"], activation=t["activation"],
                  batch_first=True, norm_first=self.pre, layer_norm_eps=1e-5)
        self.encoder = Stack([nn.TransformerEncoderLayer(**kw) for _ in range(m["encoder"]["layers"])], nn.LayerNorm(d) if self.pre else None)
        self.decoder = Stack([nn.TransformerDecoderLayer(**kw) for _ in range(m["decoder"]["layers"])], nn.LayerNorm(d) if self.pre else None)
        if self.positions == "t5":
            # T5's bias per distance bucket and head, one table per self-attention: …self_attn.relative_attention_bias.weight.
            for layer in [*self.encoder.layers, *self.decoder.layers]:
                layer.self_attn.relative_attention_bias = nn.Embedding(t["t5Buckets"], t["heads"])
                layer.self_attn.t5_buckets, layer.self_attn.t5_max_distance = t["t5Buckets"], t["t5MaxDistance"]
        for layer in self.encoder.layers:
            add_self_attention_extras(layer.self_attn, t, t["heads"], self.positions)
        for layer in self.decoder.layers:
            add_self_attention_extras(layer.self_attn, t, t["heads"], self.positions, causal=True)
        for layer in self.decoder.layers:
            custom_normalizer(layer.multihead_attn, t, t["heads"])
        self.output = OutputLayer(d, tgt_vocab, self.tgt_embed if m["decoder"]["tieEmbeddings"] else None)
        self.dropout = nn.Dropout(t["dropout"])

    def _embed(self, which, ids):
        emb = (self.src_embed if which == "src" else self.tgt_embed)(ids) * math.sqrt(self.d)
        T = ids.shape[1]
        if self.positions in ("relative", "rotary", "alibi", "t5"):
            return self.dropout(emb)  # positions enter inside the self-attention
        if self.positions == "learned":
            pos = (self.src_pos if which == "src" else self.tgt_pos).weight[:T]
        else:
            if T > self.table.shape[0]:
                self.table = sinusoidal_table(max(T, 2 * self.table.shape[0]), self.d).to(emb.device)
            pos = self.table[:T]
        return self.dropout(emb + pos)

    def _encode(self, src):
        pad = src == PAD
        x = self._embed("src", src)
        for layer in self.encoder.layers:
            x = encoder_layer(layer, x, pad, self.pre, self.act, self.positions)
        if self.encoder.norm is not None:
            x = self.encoder.norm(x)
        return x, pad

    def _decode(self, tgt_in, memory, mem_pad):
        T = tgt_in.shape[1]
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool, device=tgt_in.device), diagonal=1)
        tgt_pad = tgt_in == PAD
        y = self._embed("tgt", tgt_in)
        w = None
        for layer in self.decoder.layers:
            y, w = decoder_layer(layer, y, memory, causal, tgt_pad, mem_pad, self.pre, self.act, self.positions)
        if self.decoder.norm is not None:
            y = self.decoder.norm(y)
        return self.output(y), w

    def forward(self, src, lengths, tgt_in):
        """Teacher forcing: logits [B, T, V] and the last layer's cross-attention, heads averaged [B, T, S]."""
        memory, pad = self._encode(src)
        return self._decode(tgt_in, memory, pad)

    def start(self, src, lengths):
        memory, pad = self._encode(src)
        return {"memory": memory, "pad": pad, "prefix": src.new_zeros(src.shape[0], 0)}

    def next_log_probs(self, prev, state, t):
        prefix = torch.cat([state["prefix"], prev.unsqueeze(1)], 1)
        logits, w = self._decode(prefix, state["memory"], state["pad"])
        return torch.log_softmax(logits[:, -1], dim=-1), {**state, "prefix": prefix}, w[:, -1]

    @staticmethod
    def select(state, rows):
        return {k: v[rows] for k, v in state.items()}
