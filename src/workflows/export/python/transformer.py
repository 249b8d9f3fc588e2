"""attn's Transformer (src/models/transformer/) in torch.nn, with attn's parameter names.

The layers are torch.nn.TransformerEncoderLayer / TransformerDecoderLayer (batch_first), in stacks
named like torch.nn.TransformerEncoder / TransformerDecoder (encoder.layers.N.…, encoder.norm for
pre-norm models), so model.safetensors loads with load_state_dict(strict=True). Their forward is
written out below so that the cross-attention weights can be returned. Positions: sinusoidal and
learned (added to the embeddings, which are scaled by √d_model), rotary, ALiBi and T5 buckets (inside
every self-attention, written out in positional_self_attention).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import PAD, OutputLayer


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


def positional_self_attention(mha, x, pad, causal, positions):
    """nn.MultiheadAttention's computation written out, with rotary positions on q and k or ALiBi's bias on the scores."""
    B, T, E = x.shape
    H = mha.num_heads
    d = E // H
    q, k, v = F.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, dim=-1)
    if positions == "rotary":
        q, k = rotate(q, d), rotate(k, d)
    split = lambda t: t.reshape(B, T, H, d).transpose(1, 2)  # [B, H, T, d]
    scores = split(q) @ split(k).transpose(-1, -2) * (1.0 / math.sqrt(d))
    if positions == "alibi":
        slopes = torch.tensor(alibi_slopes(H), dtype=torch.float64)
        i = torch.arange(T, dtype=torch.float64)
        dist = (i[:, None] - i[None, :]).abs()
        scores = scores + (-slopes[:, None, None] * dist).to(scores.dtype)
    if positions == "t5":
        b = t5_buckets(T, mha.t5_buckets, mha.t5_max_distance, causal is None)
        scores = scores + mha.relative_attention_bias.weight[b].permute(2, 0, 1).unsqueeze(0)  # [1, H, T, T]
    mask = pad[:, None, None, :]
    if causal is not None:
        mask = mask | causal[None, None]
    w = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    w = F.dropout(w, mha.dropout, mha.training)
    out = (w @ split(v)).transpose(1, 2).reshape(B, T, E)
    return mha.out_proj(out)


def _ff(layer, x, act):
    return layer.linear2(layer.dropout(act(layer.linear1(x))))


def encoder_layer(layer, x, pad, pre, act, positions=None):
    def sa(y):
        if positions in ("rotary", "alibi", "t5"):
            return positional_self_attention(layer.self_attn, y, pad, None, positions)
        return layer.self_attn(y, y, y, key_padding_mask=pad, need_weights=False)[0]
    if pre:
        x = x + layer.dropout1(sa(layer.norm1(x)))
        return x + layer.dropout2(_ff(layer, layer.norm2(x), act))
    x = layer.norm1(x + layer.dropout1(sa(x)))
    return layer.norm2(x + layer.dropout2(_ff(layer, x, act)))


def decoder_layer(layer, x, memory, causal, tgt_pad, mem_pad, pre, act, positions=None):
    def sa(y):
        if positions in ("rotary", "alibi", "t5"):
            return positional_self_attention(layer.self_attn, y, tgt_pad, causal, positions)
        return layer.self_attn(y, y, y, attn_mask=causal, key_padding_mask=tgt_pad, need_weights=False)[0]

    def ca(y):
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
        self.output = OutputLayer(d, tgt_vocab, self.tgt_embed if m["decoder"]["tieEmbeddings"] else None)
        self.dropout = nn.Dropout(t["dropout"])

    def _embed(self, which, ids):
        emb = (self.src_embed if which == "src" else self.tgt_embed)(ids) * math.sqrt(self.d)
        T = ids.shape[1]
        if self.positions in ("rotary", "alibi", "t5"):
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
