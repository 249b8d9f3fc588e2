import { xavierUniform_ } from "../nn/init.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { RelativeBias } from "../nn/positions/relativeBias.js";
import { ShawRelativePositions } from "../nn/positions/shaw.js";
import { add, concat, matmul, reshape, slice, split, transpose } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { attentionMask, causalMask, scaledDotProductAttention } from "./scaledDotProduct.js";

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
  /** A learned per-head bias by clipped relative distance, T5-style (submodule `relative_attention_bias`). */
  relativeBias?: { maxDistance: number } | null;
  /** Stream of the dropout masks (default: a fork of `rng`); pass a shared one to save it with a model. */
  dropoutRng?: Rng;
}

/** Projected keys and values [B, S, E] (heads not split): the cross-attention memory, or a self-attention cache. */
export interface KeyValue {
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
  /** The cache extended by this step's keys and values, [B, t + T, E]. */
  cache: KeyValue;
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
  readonly dropoutP: number;
  readonly dropoutRng: Rng;

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
    this.relativeBias = opts.relativeBias ? this.module("relative_attention_bias", new RelativeBias(numHeads, opts.relativeBias.maxDistance)) : null;
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

  /** An empty self-attention cache [B, 0, E] for the first decoding step. */
  emptyCache(batch: number): KeyValue {
    return { key: Tensor.zeros([batch, 0, this.embedDim]), value: Tensor.zeros([batch, 0, this.embedDim]) };
  }

  /**
   * Incremental self-attention for decoding: x [B, T, E] holds the next T positions (usually
   * T = 1), `cache` the projected keys/values of the t earlier positions ([B, t, E], null or
   * emptyCache at the start). The new positions attend to all earlier ones and causally among
   * themselves, so stepping through a sequence equals forward() with a causal mask, at O(t) per
   * step. `keyPaddingMask` covers all t + T keys.
   */
  step(x: Tensor, cache: KeyValue | null, opts: Pick<MultiheadForwardOptions, "keyPaddingMask"> = {}): MultiheadStep {
    this.checkInput("x", x, this.embedDim);
    if (!this.inProjWeight) throw new Error("MultiheadAttention.step: self-attention needs kdim = vdim = embedDim");
    const E = this.embedDim;
    const [q, k, v] = split(this.project(x, 0, 3), [E, E, E], 2) as [Tensor, Tensor, Tensor];
    const next: KeyValue = cache && cache.key.shape[1]! > 0 ? { key: concat([cache.key, k], 1), value: concat([cache.value, v], 1) } : { key: k, value: v };
    const T = x.shape[1]!;
    const S = next.key.shape[1]!;
    const attnMask = T > 1 ? causalMask(T, S) : null;
    return { ...this.attendProjected(q, next, { keyPaddingMask: opts.keyPaddingMask ?? null, attnMask }), cache: next };
  }

  /** Rows [first·E, (first+count)·E) of the packed projection (q = 0, k = 1, v = 2) applied to x. */
  private project(x: Tensor, first: number, count: number): Tensor {
    const E = this.embedDim;
    let w: Tensor;
    if (this.inProjWeight) w = count === 3 ? this.inProjWeight : slice(this.inProjWeight, 0, first * E, (first + count) * E);
    else if (count === 1) w = [this.qProjWeight, this.kProjWeight, this.vProjWeight][first]!;
    else throw new Error("MultiheadAttention: packed projections need kdim = vdim = embedDim");
    const y = matmul(x, w, { transB: true });
    if (!this.inProjBias) return y;
    return add(y, count === 3 ? this.inProjBias : slice(this.inProjBias, 0, first * E, (first + count) * E));
  }

  /** q [B, T, E] and kv [B, S, E] (projected) → heads, scaled dot-product attention, merge, out_proj. */
  private attendProjected(q: Tensor, kv: KeyValue, opts: MultiheadForwardOptions): MultiheadOutput {
    const [B, T] = q.shape as [number, number];
    const S = kv.key.shape[1]!;
    if (kv.key.shape[0] !== B || kv.value.shape[0] !== B || kv.value.shape[1] !== S) {
      throw shapeError("MultiheadAttention", "query, key and value batch / key and value lengths differ", q.shape, kv.key.shape, kv.value.shape);
    }
    const H = this.numHeads;
    const qh = splitHeads(q, H);
    const mask = attentionMask(B, H, T, S, opts.keyPaddingMask, opts.attnMask);
    const queryStart = opts.queryStart ?? S - T;
    let scoreBias: Tensor | null = null;
    let buckets: Int32Array | null = null;
    if (this.relative) {
      buckets = this.relative.buckets(T, S, queryStart);
      scoreBias = this.relative.scoreBias(qh, buckets, S);
    }
    if (this.relativeBias) {
      const bias = this.relativeBias.forward(B, T, S, queryStart);
      scoreBias = scoreBias ? add(scoreBias, bias) : bias;
    }
    const dropout = this.dropoutP > 0 ? { p: this.dropoutP, rng: this.dropoutRng, training: this.training } : null;
    const r = scaledDotProductAttention(qh, splitHeads(kv.key, H), splitHeads(kv.value, H), mask, { scoreBias, dropout });
    const heads = this.relative && buckets ? add(r.output, this.relative.valueTerm(r.applied, buckets)) : r.output;
    return { output: this.outProj.forward(mergeHeads(heads, B)), weights: reshape(r.weights, [B, H, T, S]) };
  }

  private checkInput(name: string, x: Tensor, features: number): void {
    if (x.ndim !== 3 || x.shape[2] !== features) throw shapeError("MultiheadAttention", `${name} must be [B, L, ${features}]`, x.shape);
  }
}

/** [B, T, heads·d] → [B·heads, T, d], head j from features j·d … (j+1)·d − 1 (two last-axes transposes). */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, E] = x.shape as [number, number, number];
  return transpose(reshape(transpose(x), [B * heads, E / heads, T]));
}

/** [B·heads, T, d] → [B, T, heads·d], the inverse of splitHeads (Concat(head_1, …, head_h)). */
export function mergeHeads(x: Tensor, batch: number): Tensor {
  const [N, T, d] = x.shape as [number, number, number];
  return transpose(reshape(transpose(x), [batch, (N / batch) * d, T]));
}
