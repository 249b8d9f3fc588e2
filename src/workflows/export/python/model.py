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

    def __init__(self, q, k, size):
        super().__init__()
        self.query_proj = nn.Linear(q, size, bias=False)
        self.key_proj = nn.Linear(k, size, bias=False)
        self.v = nn.Parameter(torch.zeros(size))

    def prepare(self, keys):
        return self.key_proj(keys)

    def energies(self, query, prepared):
        return torch.tanh(prepared + self.query_proj(query).unsqueeze(1)) @ self.v


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

    def __init__(self, q, k, size):
        super().__init__()
        self.q = q
        self.W = nn.Parameter(torch.zeros(size, q + k))
        self.v = nn.Parameter(torch.zeros(size))

    def prepare(self, keys):
        return keys @ self.W[:, self.q:].t()

    def energies(self, query, prepared):
        return torch.tanh(prepared + (query @ self.W[:, : self.q].t()).unsqueeze(1)) @ self.v


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


def normalize(e, mask, normalizer, top_k=None):
    """attn's normalisers over the unmasked scores: softmax, sparsemax, entmax15, optionally over the top k."""
    if top_k is not None:
        mask = top_k_mask(e, mask, top_k)
    if normalizer == "softmax":
        return torch.softmax(e.masked_fill(mask, float("-inf")), dim=-1)
    return sparse_normalize(e, mask, normalizer)


class Attention(nn.Module):
    """score × scope (global, local-m, local-p) × normaliser (softmax, sparsemax, entmax15; top-k); c_t = Σ_s a_t(s) k_s."""

    def __init__(self, att, q, k):
        super().__init__()
        score = att["score"]
        self.scope = att["scope"]
        self.window = att["window"]
        self.local_p = att.get("localP", "renormalised")
        self.normalizer = att.get("normalizer", "softmax")
        self.top_k = att.get("topK")
        self.context_size = k
        if self.scope == "local-p":
            self.position_v = nn.Parameter(torch.zeros(att["size"], 1))
        if score == "additive":
            self.score = AdditiveScore(q, k, att["size"])
        elif score in ("dot", "scaled-dot"):
            self.score = DotScore(score == "scaled-dot")
        elif score == "general":
            self.score = GeneralScore(q, k)
        elif score == "bilinear":
            self.score = BilinearScore(q, k, att["rank"])
        elif score == "concat":
            self.score = ConcatScore(q, k, att["size"])
        else:
            raise ValueError(f"model.attention.score {score!r}: not supported")
        if self.scope == "local-p":
            self.position_proj = nn.Linear(q, att["size"], bias=False)

    def prepare(self, keys, pad_mask, lengths):
        return {"keys": keys, "prepared": self.score.prepare(keys), "pad": pad_mask, "lengths": lengths}

    def forward(self, query, memory, step):
        keys, pad, lengths = memory["keys"], memory["pad"], memory["lengths"]
        S = keys.shape[1]
        e = self.score.energies(query, memory["prepared"])
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
        w = normalize(e, mask, self.normalizer, self.top_k)
        if factor is not None:
            w = w * factor
        context = (w.unsqueeze(1) @ keys).squeeze(1)
        return context, w


class MultiheadAttention(nn.Module):
    """The "multihead" score: torch.nn.MultiheadAttention(H, heads, kdim = vdim = D); weights are the heads' mean."""

    def __init__(self, q, k, heads, dropout):
        super().__init__()
        self.context_size = q
        self.mha = nn.MultiheadAttention(q, heads, dropout=dropout, kdim=k, vdim=k, batch_first=True)

    def prepare(self, keys, pad_mask, lengths):
        return {"keys": keys, "pad": pad_mask, "lengths": lengths}

    def forward(self, query, memory, step):
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
    """A recurrent decoder of type none, bahdanau or luong (docs/checkpoint-format.md)."""

    def __init__(self, cfg, enc_size, vocab_size):
        super().__init__()
        dec, att = cfg["decoder"], cfg["attention"]
        self.type = dec["type"]
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
                self.attention = MultiheadAttention(H, enc_size, t["heads"], t["dropout"])
            else:
                self.attention = Attention(att, H, enc_size)
        self.output = OutputLayer(features, vocab_size, self.embedding if dec["tieEmbeddings"] else None)
        if self.type == "luong":
            self.combine = nn.Linear(ctx + H, H, bias=False)

    def init(self, enc_out, final_h, final_c, pad_mask, lengths):
        B = enc_out.shape[0]
        h, c = self.bridge(final_h, final_c, B)
        memory = self.attention.prepare(enc_out, pad_mask, lengths) if self.attention is not None else None
        return {"h": h, "c": c, "feed": None, "memory": memory}

    def _advance(self, x, state):
        if self.lstm:
            out, (h, c) = self.rnn(x.unsqueeze(1), (state["h"], state["c"]))
            return h, c
        out, h = self.rnn(x.unsqueeze(1), state["h"])
        return h, None

    def step(self, prev, state, t):
        """Feed tokens prev [N] at step t → (features [N, F], new state, attention weights [N, S] or None)."""
        emb = self.dropout(self.embedding(prev))
        if self.type == "none":
            h, c = self._advance(emb, state)
            return h[-1], {**state, "h": h, "c": c}, None
        if self.type == "bahdanau":
            context, w = self.attention(state["h"][-1], state["memory"], t)
            h, c = self._advance(torch.cat([emb, context], 1), state)
            return torch.cat([h[-1], context, emb], 1), {**state, "h": h, "c": c}, w
        x = emb
        if self.input_feeding:
            feed = state["feed"] if state["feed"] is not None else emb.new_zeros(emb.shape[0], self.hidden)
            x = torch.cat([emb, feed], 1)
        h, c = self._advance(x, state)
        top = h[-1]
        context, w = self.attention(top, state["memory"], t)
        attentional = torch.tanh(self.combine(torch.cat([context, top], 1)))
        return attentional, {**state, "h": h, "c": c, "feed": attentional}, w

    def logits(self, features):
        return self.output(self.dropout(features))


class Seq2Seq(nn.Module):
    """attn's Seq2Seq: names encoder.* and decoder.* as in model.safetensors."""

    def __init__(self, config, src_vocab, tgt_vocab):
        super().__init__()
        m = config["model"]
        self.encoder = Encoder(m["encoder"], src_vocab, m["transformer"])
        self.decoder = Decoder(m, self.encoder.output_size, tgt_vocab)

    def encode(self, src, lengths):
        out, fh, fc = self.encoder(src, lengths)
        pad = src == PAD
        return self.decoder.init(out, fh, fc, pad, lengths)

    def forward(self, src, lengths, tgt_in):
        """Teacher forcing: logits [B, T, V] and attention weights [B, T, S] (None without attention)."""
        state = self.encode(src, lengths)
        feats, weights = [], []
        for t in range(tgt_in.shape[1]):
            f, state, w = self.decoder.step(tgt_in[:, t], state, t)
            feats.append(f)
            if w is not None:
                weights.append(w)
        logits = self.decoder.logits(torch.stack(feats, 1))
        return logits, (torch.stack(weights, 1) if weights else None)

    def start(self, src, lengths):
        return self.encode(src, lengths)

    def next_log_probs(self, prev, state, t):
        f, state, w = self.decoder.step(prev, state, t)
        return torch.log_softmax(self.decoder.logits(f), dim=-1), state, w

    @staticmethod
    def select(state, rows):
        """The state of hypothesis rows `rows` (beam search); the memory follows the rows."""
        out = {"h": state["h"][:, rows], "c": state["c"][:, rows] if state["c"] is not None else None,
               "feed": state["feed"][rows] if state["feed"] is not None else None, "memory": None}
        if state["memory"] is not None:
            out["memory"] = {k: v[rows] for k, v in state["memory"].items()}
        return out


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
