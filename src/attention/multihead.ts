import { xavierUniform_ } from "../nn/init.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { AlibiBias } from "../nn/positions/alibi.js";
import { RelativeBias, type T5Bucketing } from "../nn/positions/relativeBias.js";
import { ShawRelativePositions } from "../nn/positions/shaw.js";
import { isGradEnabled, needsGrad } from "../autograd/tape.js";
import { add, gatherRows, matmul, mulScalar, reshape, rotary, slice, split, transpose } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { AdaptiveSpan, type AdaptiveSpanOptions } from "./adaptiveSpan.js";
import type { EfficientSelfAttention } from "./efficient/base.js";
import { rowsPerSentence } from "./attention.js";
import { KeyValueCache } from "./multiheadCache.js";
import type { Normalizer } from "./normalizer.js";
import { SoftmaxNormalizer } from "./normalizers/softmax.js";
import { attentionMask, attentionWeights, causalMask, scaledDotProductAttention } from "./scaledDotProduct.js";
import type { AttentionWeightsTransform } from "./weightsTransform.js";

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (PyTorch's `dropout`, default 0). */
  dropout?: number;
  /** Biases of the input and output projections (default true). */
  bias?: boolean;
  /** Key / value feature sizes when they differ from embedDim (PyTorch's kdim / vdim: separate q/k/v_proj_weight). */
  kdim?: number;
  vdim?: number;
  /** Shaw et al. 2018 relative position representations clipped at ±maxDistance (submodule `relative`). */
  relative?: { maxDistance: number } | null;
  /**
   * A learned per-head bias by relative distance (submodule `relative_attention_bias`): clipped at
   * ±maxDistance, or T5's logarithmic buckets up to maxDistance with `t5`.
   */
  relativeBias?: { maxDistance: number; t5?: T5Bucketing | null } | null;
  /** Rotary position embeddings (Su et al. 2021) on the projected queries and keys of each head; no parameters. */
  rotary?: boolean;
  /** ALiBi (Press et al. 2022): −m_h·|i − j| added to head h's scores; no parameters. */
  alibi?: boolean;
  /** Adaptive attention span (Sukhbaatar et al. 2019), submodule `adaptive_span` (current_val [heads]). */
  adaptiveSpan?: AdaptiveSpanOptions | null;
  /** Stream of the dropout masks (default: a fork of `rng`); pass a shared one to save it with a model. */
  dropoutRng?: Rng;
  /**
   * How each head's scores become weights (registry.ts createNormalizer; default softmax, as
   * PyTorch). Submodule `normalizer` (a learned entmax α: normalizer.pre_alpha [heads]).
   */
  normalizer?: Normalizer;
  /**
   * An efficient self-attention in place of the exact softmax (efficient/: window, Linformer,
   * Performer), submodule self_attn.<its moduleName>; null = exact (the default).
   */
  efficient?: EfficientSelfAttention | null;
}

/** Projected keys and values [B, S, E] (heads not split). */
export interface KeyValue {
  key: Tensor;
  value: Tensor;
}

/**
 * A memory projected and split by head once per sentence, for attending to it step after step:
 * keys and values [B, heads, S, d] (batch-first, so its rows can be gathered like any state).
 */
export interface HeadKeyValue {
  key: Tensor;
  value: Tensor;
}

export interface MultiheadForwardOptions {
  /** [B·S], 1 = padded key (never attended). */
  keyPaddingMask?: Uint8Array | null;
  /** [T·S], 1 = query i may not attend key j (e.g. causalMask). */
  attnMask?: Uint8Array | null;
  /** Accepted for PyTorch familiarity; the per-head weights are always returned. */
  needWeights?: boolean;
  /** Position of the first query among the keys, for relative positions (default S − T). */
  queryStart?: number;
}

export interface MultiheadOutput {
  /** [B, T, E]. */
  output: Tensor;
  /** Per-head attention weights [B, heads, T, S] (not averaged; before dropout). */
  weights: Tensor;
}

export interface MultiheadStep extends MultiheadOutput {
  /** The cache, extended in place by this step's keys and values. */
  cache: KeyValueCache;
}

/**
 * Multi-head attention (Vaswani et al. 2017 §3.2.2): MultiHead(Q,K,V) = Concat(head_1…head_h) W^O
 * with head_j = Attention(Q W^Q_j, K W^K_j, V W^V_j), laid out exactly like torch.nn.MultiheadAttention
 * (batch_first) so a state_dict loads unchanged:
 *   in_proj_weight [3E, E] (rows q | k | v), in_proj_bias [3E], out_proj.weight [E, E], out_proj.bias [E];
 *   with kdim/vdim ≠ E instead q_proj_weight [E,E], k_proj_weight [E,kdim], v_proj_weight [E,vdim].
 * Head j uses the contiguous features j·d … (j+1)·d − 1, d = E / heads. Init as PyTorch: Xavier
 * uniform projections, zero in_proj_bias and out_proj.bias, out_proj.weight as Linear's default.
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly inProjWeight: Tensor | null = null;
  readonly qProjWeight: Tensor | null = null;
  readonly kProjWeight: Tensor | null = null;
  readonly vProjWeight: Tensor | null = null;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;
  readonly relative: ShawRelativePositions | null;
  readonly relativeBias: RelativeBias | null;
  /** Rotate queries and keys by their positions (RoFormer). */
  readonly rotary: boolean;
  readonly alibi: AlibiBias | null;
  readonly adaptiveSpan: AdaptiveSpan | null;
  readonly dropoutP: number;
  readonly dropoutRng: Rng;
  readonly normalizer: Normalizer;
  readonly efficient: EfficientSelfAttention | null;
  /**
   * Replaces each head's weights (after the normaliser and an adaptive span, before dropout and
   * the values) in exact attention (attn explain's counterfactuals); null = none, the default.
   */
  weightsTransform: AttentionWeightsTransform | null = null;

  constructor(readonly embedDim: number, readonly numHeads: number, rng: Rng, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!(Number.isInteger(numHeads) && numHeads > 0 && embedDim % numHeads === 0)) {
      throw new Error(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropoutP = opts.dropout ?? 0;
    if (!(this.dropoutP >= 0 && this.dropoutP < 1)) throw new Error(`MultiheadAttention: dropout must be in [0, 1), got ${this.dropoutP}`);
    this.dropoutRng = opts.dropoutRng ?? rng.fork("dropout");
    const bias = opts.bias ?? true;
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) {
      this.inProjWeight = this.param("in_proj_weight", xavierUniform_(Tensor.zeros([3 * E, E]), rng));
    } else {
      this.qProjWeight = this.param("q_proj_weight", xavierUniform_(Tensor.zeros([E, E]), rng));
      this.kProjWeight = this.param("k_proj_weight", xavierUniform_(Tensor.zeros([E, this.kdim]), rng));
      this.vProjWeight = this.param("v_proj_weight", xavierUniform_(Tensor.zeros([E, this.vdim]), rng));
    }
    this.inProjBias = bias ? this.param("in_proj_bias", Tensor.zeros([3 * E])) : null;
    this.outProj = this.module("out_proj", new Linear(E, E, rng, { bias }));
    this.outProj.bias?.data.fill(0);
    this.relative = opts.relative ? this.module("relative", new ShawRelativePositions(this.headDim, opts.relative.maxDistance, rng)) : null;
    this.relativeBias = opts.relativeBias ? this.module("relative_attention_bias", new RelativeBias(numHeads, opts.relativeBias.maxDistance, opts.relativeBias.t5 ?? null)) : null;
    this.normalizer = this.module("normalizer", opts.normalizer ?? new SoftmaxNormalizer());
    this.rotary = opts.rotary ?? false;
    if (this.rotary && this.headDim % 2 !== 0) throw new Error(`MultiheadAttention: rotary positions rotate pairs of features, so the head size ${this.headDim} must be even`);
    this.alibi = opts.alibi ? new AlibiBias(numHeads) : null;
    this.adaptiveSpan = opts.adaptiveSpan ? this.module("adaptive_span", new AdaptiveSpan(numHeads, opts.adaptiveSpan)) : null;
    this.efficient = opts.efficient ? this.module(opts.efficient.moduleName, opts.efficient) : null;
  }

  /**
   * query [B, T, E], key [B, S, kdim], value [B, S, vdim] → output [B, T, E], weights [B, heads, T, S].
   * Self-attention (query = key = value, the same tensor) projects q, k, v with one matmul;
   * key = value (cross-attention over a memory) projects k, v with one.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadForwardOptions = {}): MultiheadOutput {
    this.checkInput("query", query, this.embedDim);
    if (this.inProjWeight && query === key && key === value) {
      const [q, k, v] = split(this.project(query, 0, 3), [this.embedDim, this.embedDim, this.embedDim], 2) as [Tensor, Tensor, Tensor];
      return this.attendProjected(q, { key: k, value: v }, opts);
    }
    return this.attendProjected(this.project(query, 0, 1), this.projectKeyValue(key, value), opts);
  }

  /** Project a memory once per sentence: key [B, S, kdim], value [B, S, vdim] (default key) → [B, S, E] each. */
  projectKeyValue(key: Tensor, value: Tensor = key): KeyValue {
    this.checkInput("key", key, this.kdim);
    this.checkInput("value", value, this.vdim);
    if (this.inProjWeight && key === value) {
      const [k, v] = split(this.project(key, 1, 2), [this.embedDim, this.embedDim], 2) as [Tensor, Tensor];
      return { key: k, value: v };
    }
    return { key: this.project(key, 1, 1), value: this.project(value, 2, 1) };
  }

  /** Attend from query [B, T, E] to already projected keys/values (projectKeyValue). */
  attend(query: Tensor, kv: KeyValue, opts: MultiheadForwardOptions = {}): MultiheadOutput {
    this.checkInput("query", query, this.embedDim);
    return this.attendProjected(this.project(query, 0, 1), kv, opts);
  }

  /**
   * Project a memory and split it by head, once per sentence: key [B, S, kdim], value [B, S, vdim]
   * (default key) → [B, heads, S, d] each, for attendMemory.
   */
  projectMemory(key: Tensor, value: Tensor = key): HeadKeyValue {
    return this.splitMemory(this.projectKeyValue(key, value));
  }

  /** Already projected keys/values [B, S, E] split by head: [B, heads, S, d] each. */
  splitMemory(kv: KeyValue): HeadKeyValue {
    const [B, S] = kv.key.shape as [number, number];
    const H = this.numHeads;
    const d = this.headDim;
    return { key: reshape(splitHeads(kv.key, H), [B, H, S, d]), value: reshape(splitHeads(kv.value, H), [B, H, S, d]) };
  }

  /**
   * Attend from query [N, T, E] to a memory projected once per sentence (projectMemory), whose B
   * sentences are shared by N = G·B query rows: row r reads sentence ⌊r / G⌋ (beam search's
   * hypotheses, G = beam size). `keyPaddingMask` is per sentence [B·S]. The G·T queries of a
   * sentence attend as one [G·T, S] block, so the memory is never copied per hypothesis.
   * Returns output [N, T, E] and weights [N, heads, T, S]; with G = 1 it equals attend().
   */
  attendMemory(query: Tensor, memory: HeadKeyValue, opts: Pick<MultiheadForwardOptions, "keyPaddingMask" | "queryStart"> = {}): MultiheadOutput {
    this.checkInput("query", query, this.embedDim);
    const [B, H, S, d] = memory.key.shape as [number, number, number, number];
    if (memory.key.ndim !== 4 || H !== this.numHeads || d !== this.headDim || memory.value.shape[0] !== B || memory.value.shape[2] !== S) {
      throw shapeError("MultiheadAttention.attendMemory", `memory must be [B, ${this.numHeads}, S, ${this.headDim}] keys and values`, memory.key.shape, memory.value.shape);
    }
    const [N, T, E] = query.shape as [number, number, number];
    const G = rowsPerSentence(N, B, "MultiheadAttention.attendMemory");
    if (G > 1 && this.usesPositions) throw new Error("MultiheadAttention.attendMemory: positions inside attention need one query row per sentence");
    const q = reshape(this.project(query, 0, 1), [B, G * T, E]);
    const r = this.attendHeads(splitHeads(q, H), reshape(memory.key, [B * H, S, d]), reshape(memory.value, [B * H, S, d]), B, G * T, S, {
      mask: sharedAttentionMask(B, H, G * T, S, opts.keyPaddingMask ?? null),
      queryStart: opts.queryStart ?? S - T,
    });
    const output = this.outProj.forward(reshape(mergeHeads(r.heads, B), [N, T, E]));
    return { output, weights: G === 1 ? reshape(r.weights, [N, H, T, S]) : regroupWeights(r.weights, B, H, G, T, S) };
  }

  /**
   * An empty self-attention cache for `batch` rows, preallocated for `capacity` positions (it
   * grows past them if needed) and split by head.
   */
  emptyCache(batch: number, capacity = 0): KeyValueCache {
    const cache = new KeyValueCache(batch, this.numHeads, this.headDim, capacity);
    cache.incremental = this.efficient?.incrementalState(batch, this.numHeads, this.headDim) ?? null;
    return cache;
  }

  /**
   * Incremental self-attention for decoding: x [N, T, E] holds the next T positions (usually
   * T = 1), `cache` the keys/values of the t earlier positions (emptyCache at the start). The new
   * keys/values are written into the cache in place; the new positions attend to all earlier ones
   * and causally among themselves, so stepping through a sequence equals forward() with a causal
   * mask, at O(t) per step. `keyPaddingMask` covers all t + T keys. Inference only (no autograd
   * through the cache): call it inside noGrad.
   */
  step(x: Tensor, cache: KeyValueCache, opts: Pick<MultiheadForwardOptions, "keyPaddingMask"> = {}): MultiheadStep {
    this.checkInput("x", x, this.embedDim);
    if (!this.inProjWeight) throw new Error("MultiheadAttention.step: self-attention needs kdim = vdim = embedDim");
    if (isGradEnabled()) throw new Error("MultiheadAttention.step: incremental decoding does not record gradients; call it inside noGrad()");
    const [N, T, E] = x.shape as [number, number, number];
    const H = this.numHeads;
    if (cache.rows !== N || cache.heads !== H || cache.headDim !== this.headDim) {
      throw new Error(`MultiheadAttention.step: the cache holds ${cache.rows} rows × ${cache.heads} heads of ${cache.headDim}, x has ${N} rows (${H} heads of ${this.headDim})`);
    }
    const start = cache.length;
    // [N, T, 3E]: q | k | v; rotary positions turn the new queries and keys (cached rotated).
    const packed = this.project(x, 0, 3);
    const qkv = this.rotary ? rotary(packed, this.headDim, start, 2 * E) : packed;
    if (cache.incremental) {
      // Window / Performer decoding state (efficient/incremental.ts): a step costs O(w + g) or
      // O(1) in the position. The implied matrix would need every earlier key, which the state
      // does not keep, so the weights are empty [N, H, T, 0] (as in training); forward() dumps them.
      const heads = cache.incremental.step(qkv, E, opts.keyPaddingMask ?? null);
      cache.advance(T);
      return { output: this.outProj.forward(mergeHeads(heads, N)), weights: Tensor.zeros([N, H, T, 0]), cache };
    }
    cache.append(qkv, E, 2 * E);
    const S = cache.length;
    if (this.efficient) {
      const keys = reshape(cache.read("keys"), [N * H, S, this.headDim]);
      const r = this.efficient.attend(queryHeads(qkv, H, this.headDim), keys, reshape(cache.read("values"), [N * H, S, this.headDim]), { batch: N, heads: H, keyPaddingMask: opts.keyPaddingMask ?? null, queryStart: start });
      return { output: this.outProj.forward(mergeHeads(r.output, N)), weights: reshape(r.impliedWeights(), [N, H, T, S]), cache };
    }
    const r = this.attendHeads(queryHeads(qkv, H, this.headDim), cache, null, N, T, S, {
      mask: attentionMask(N, H, T, S, opts.keyPaddingMask ?? null, T > 1 ? causalMask(T, S) : null),
      queryStart: start,
    });
    return { output: this.outProj.forward(mergeHeads(r.heads, N)), weights: reshape(r.weights, [N, H, T, S]), cache };
  }

  /**
   * Rows [first·E, (first+count)·E) of the packed projection (q = 0, k = 1, v = 2) applied to x.
   * Without gradients the weight rows are read in place; with them, through slice().
   */
  private project(x: Tensor, first: number, count: number): Tensor {
    const E = this.embedDim;
    let w: Tensor;
    if (this.inProjWeight) w = count === 3 ? this.inProjWeight : rowsOf(this.inProjWeight, first * E, (first + count) * E);
    else if (count === 1) w = [this.qProjWeight, this.kProjWeight, this.vProjWeight][first]!;
    else throw new Error("MultiheadAttention: packed projections need kdim = vdim = embedDim");
    const y = matmul(x, w, { transB: true });
    if (!this.inProjBias) return y;
    return add(y, count === 3 ? this.inProjBias : rowsOf(this.inProjBias, first * E, (first + count) * E));
  }

  /** q [B, T, E] and kv [B, S, E] (projected) → heads, scaled dot-product attention, merge, out_proj. */
  private attendProjected(q: Tensor, kv: KeyValue, opts: MultiheadForwardOptions): MultiheadOutput {
    const [B, T] = q.shape as [number, number];
    const S = kv.key.shape[1]!;
    if (kv.key.shape[0] !== B || kv.value.shape[0] !== B || kv.value.shape[1] !== S) {
      throw shapeError("MultiheadAttention", "query, key and value batch / key and value lengths differ", q.shape, kv.key.shape, kv.value.shape);
    }
    const H = this.numHeads;
    const queryStart = opts.queryStart ?? S - T;
    if (this.rotary) {
      q = rotary(q, this.headDim, queryStart);
      kv = { key: rotary(kv.key, this.headDim, 0), value: kv.value };
    }
    if (this.efficient) return this.attendEfficient(this.efficient, q, kv, B, T, S, opts.keyPaddingMask ?? null, queryStart);
    const r = this.attendHeads(splitHeads(q, H), splitHeads(kv.key, H), splitHeads(kv.value, H), B, T, S, {
      mask: attentionMask(B, H, T, S, opts.keyPaddingMask, opts.attnMask),
      queryStart,
    });
    return { output: this.outProj.forward(mergeHeads(r.heads, B)), weights: reshape(r.weights, [B, H, T, S]) };
  }

  /**
   * An efficient self-attention (window / Linformer / Performer) in place of attendHeads. Its
   * causality is its own (decoder layers build a causal one), so attnMask is not read. The
   * weights are the implied attention matrix, materialised (O(n²)) only without gradients —
   * dumps and evaluation; a training pass gets an empty [B, H, T, 0].
   */
  private attendEfficient(efficient: EfficientSelfAttention, q: Tensor, kv: KeyValue, B: number, T: number, S: number, keyPaddingMask: Uint8Array | null, queryStart: number): MultiheadOutput {
    const H = this.numHeads;
    const r = efficient.attend(splitHeads(q, H), splitHeads(kv.key, H), splitHeads(kv.value, H), { batch: B, heads: H, keyPaddingMask, queryStart });
    const weights = isGradEnabled() ? Tensor.zeros([B, H, T, 0]) : reshape(r.impliedWeights(), [B, H, T, S]);
    return { output: this.outProj.forward(mergeHeads(r.output, B)), weights };
  }

  /**
   * Scaled dot-product attention of queries qh [B·H, T, d] (relative position terms, the
   * normaliser and dropout included) over keys/values given either as tensors [B·H, S, d] or as a KeyValueCache
   * (values null): heads [B·H, T, d] and weights [B·H, T, S] (before dropout).
   */
  private attendHeads(
    qh: Tensor, keys: Tensor | KeyValueCache, values: Tensor | null, B: number, T: number, S: number,
    opts: { mask: Uint8Array | null; queryStart: number },
  ): { heads: Tensor; weights: Tensor } {
    let scoreBias: Tensor | null = null;
    let buckets: Int32Array | null = null;
    if (this.relative) {
      buckets = this.relative.buckets(T, S, opts.queryStart);
      scoreBias = this.relative.scoreBias(qh, buckets, S);
    }
    if (this.relativeBias) {
      const bias = this.relativeBias.forward(B, T, S, opts.queryStart);
      scoreBias = scoreBias ? add(scoreBias, bias) : bias;
    }
    if (this.alibi) {
      const bias = this.alibi.forward(B, T, S, opts.queryStart);
      scoreBias = scoreBias ? add(scoreBias, bias) : bias;
    }
    const span = this.adaptiveSpan;
    const spanned = span ? (w: Tensor) => span.apply(w, opts.queryStart) : null;
    const transform = this.weightsTransform;
    const reweight = transform ? (w: Tensor) => transform(spanned ? spanned(w) : w, { heads: this.numHeads, rowsPerHead: T }) : spanned;
    const drop = this.dropoutP > 0 ? { p: this.dropoutP, rng: this.dropoutRng, training: this.training } : null;
    let r: { output: Tensor; weights: Tensor; applied: Tensor };
    const sdpa = { scoreBias, dropout: drop, normalizer: this.normalizer, reweight };
    if (keys instanceof KeyValueCache) {
      // The same steps as scaledDotProductAttention, reading keys and values in the cache.
      const { weights, applied } = attentionWeights(mulScalar(keys.scores(qh), 1 / Math.sqrt(this.headDim)), opts.mask, T, sdpa);
      r = { output: keys.context(applied), weights, applied };
    } else {
      r = scaledDotProductAttention(qh, keys, values!, opts.mask, sdpa);
    }
    const heads = this.relative && buckets ? add(r.output, this.relative.valueTerm(r.applied, buckets)) : r.output;
    return { heads, weights: r.weights };
  }

  /** Whether positions enter inside the attention (relative terms, rotary, ALiBi, adaptive span). */
  get usesPositions(): boolean {
    return Boolean(this.relative || this.relativeBias || this.rotary || this.alibi || this.adaptiveSpan);
  }

  private checkInput(name: string, x: Tensor, features: number): void {
    if (x.ndim !== 3 || x.shape[2] !== features) throw shapeError("MultiheadAttention", `${name} must be [B, L, ${features}]`, x.shape);
  }
}

/**
 * [B, T, heads·d] → [B·heads, T, d], head j from features j·d … (j+1)·d − 1 (two last-axes
 * transposes; a plain reshape when T = 1, where the layouts coincide).
 */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, E] = x.shape as [number, number, number];
  if (T === 1) return reshape(x, [B * heads, 1, E / heads]);
  return transpose(reshape(transpose(x), [B * heads, E / heads, T]));
}

/** [B·heads, T, d] → [B, T, heads·d], the inverse of splitHeads (Concat(head_1, …, head_h)). */
export function mergeHeads(x: Tensor, batch: number): Tensor {
  const [N, T, d] = x.shape as [number, number, number];
  if (T === 1) return reshape(x, [batch, 1, (N / batch) * d]);
  return transpose(reshape(transpose(x), [batch, (N / batch) * d, T]));
}

/** Rows [from, to) of a parameter along its first axis: in place when no gradient is recorded, else a (differentiable) slice. */
function rowsOf(p: Tensor, from: number, to: number): Tensor {
  if (needsGrad(p)) return slice(p, 0, from, to);
  const width = p.shape[0] === 0 ? 0 : p.size / p.shape[0]!;
  return new Tensor(p.data.subarray(from * width, to * width), [to - from, ...p.shape.slice(1)]);
}

/** The query part (columns 0 … heads·d) of a packed q|k|v projection [N, T, 3E], split by head: [N·heads, T, d]. */
function queryHeads(qkv: Tensor, heads: number, d: number): Tensor {
  const [N, T, W] = qkv.shape as [number, number, number];
  const out = Tensor.zeros([N * heads, T, d]);
  const src = qkv.data;
  const dst = out.data;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const row = (n * T + t) * W;
      for (let h = 0; h < heads; h++) {
        const to = ((n * heads + h) * T + t) * d;
        for (let i = 0; i < d; i++) dst[to + i] = src[row + h * d + i]!;
      }
    }
  }
  return out;
}

const sharedMasks = new WeakMap<Uint8Array, Map<string, Uint8Array>>();

/** attentionMask for a per-sentence key padding mask, cached per mask and shape (it is the same at every decoding step). */
function sharedAttentionMask(B: number, H: number, T: number, S: number, keyPaddingMask: Uint8Array | null): Uint8Array | null {
  if (!keyPaddingMask) return null;
  let byShape = sharedMasks.get(keyPaddingMask);
  if (!byShape) sharedMasks.set(keyPaddingMask, (byShape = new Map()));
  const key = `${B},${H},${T},${S}`;
  let mask = byShape.get(key);
  if (!mask) byShape.set(key, (mask = attentionMask(B, H, T, S, keyPaddingMask, null)!));
  return mask;
}

/** Weights [B·H, G·T, S] of G query rows per sentence → [G·B, H, T, S] (row b·G + g). */
function regroupWeights(w: Tensor, B: number, H: number, G: number, T: number, S: number): Tensor {
  const ids = new Int32Array(B * G * H * T);
  for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) ids[((b * G + g) * H + h) * T + t] = ((b * H + h) * G + g) * T + t;
  return reshape(gatherRows(reshape(w, [B * H * G * T, S]), ids, [ids.length]), [B * G, H, T, S]);
}
