import { Linear } from "../nn/linear.js";
import { uniform_ } from "../nn/init.js";
import { Module } from "../nn/module.js";
import { add, matmul, mul, mulScalar, reshape, sigmoid, softmax, square, sub, tanh } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { AttentionScore } from "./score.js";

export type AttentionScope = "global" | "local-m" | "local-p";

/**
 * The encoder side of attention for one batch, prepared once per sentence: one row per sentence,
 * however many queries (beam hypotheses) read it. Queries come in N = G·B rows, row r reading
 * sentence ⌊r / G⌋ (rowsPerSentence), so beam search never copies the memory per hypothesis.
 */
export interface AttentionMemory {
  /** Encoder outputs [B, S, Dk]: the keys, and also the values that are averaged. */
  keys: Tensor;
  /** The score's per-sentence precomputation of the keys. */
  prepared: Tensor;
  /** [B·S], 1 at padding positions (they always get exactly zero weight). */
  padMask: Uint8Array;
  /** Real source lengths [B]. */
  lengths: Int32Array;
  /**
   * Further per-sentence tensors, batch-first like `keys`: keys and values split by head
   * ([B, heads, S, d]) for multi-head attention, a Transformer's per-layer cross-attention keys
   * and values.
   */
  extra?: Tensor[];
}

export interface AttentionOutput {
  /** Context vector c_t = Σ_s a_t(s) k_s, [N, Dk]. */
  context: Tensor;
  /** Attention weights a_t [N, S]; each row sums to 1 over the allowed positions. */
  weights: Tensor;
}

/**
 * G, the query rows per sentence: N query rows over a memory of B sentences, rows b·G … b·G + G − 1
 * reading sentence b (beam search: G = beam size; training and greedy decoding: G = 1).
 */
export function rowsPerSentence(rows: number, sentences: number, who: string): number {
  if (rows === 0 && sentences === 0) return 1;
  const g = rows / sentences;
  if (!Number.isInteger(g) || g < 1) throw new Error(`${who}: ${rows} query rows for a memory of ${sentences} sentences; expected a positive multiple`);
  return g;
}

const repeatedMasks = new WeakMap<Uint8Array, Map<number, Uint8Array>>();

/** A per-sentence mask [B·S] with each sentence's row repeated G times ([G·B·S]); cached per mask and G. */
export function repeatMaskRows(mask: Uint8Array, width: number, g: number): Uint8Array {
  if (g === 1) return mask;
  let byG = repeatedMasks.get(mask);
  if (!byG) repeatedMasks.set(mask, (byG = new Map()));
  let out = byG.get(g);
  if (!out) {
    out = new Uint8Array(mask.length * g);
    const rows = width === 0 ? 0 : mask.length / width;
    for (let b = 0; b < rows; b++) for (let k = 0; k < g; k++) out.set(mask.subarray(b * width, b * width + width), (b * g + k) * width);
    byG.set(g, out);
  }
  return out;
}

/** Per-sentence lengths [B] as per-row lengths [G·B]. */
function repeatLengths(lengths: Int32Array, g: number): Int32Array {
  if (g === 1) return lengths;
  const out = new Int32Array(lengths.length * g);
  for (let r = 0; r < out.length; r++) out[r] = lengths[Math.floor(r / g)]!;
  return out;
}

export interface AttentionOptions {
  scope: AttentionScope;
  /** Half-width D of local windows. */
  window: number;
  /** Hidden size of the local-p position predictor. */
  size: number;
}

/**
 * Attention of a recurrent decoder over encoder outputs: a score (how a query matches a key)
 * composed with a scope (which positions may be attended) and a masked softmax.
 *  - global: every real source position (Bahdanau et al. 2014; Luong et al. 2015 §3.1).
 *  - local-m: the window [t − D, t + D] around the monotonic position p_t = t (Luong §3.2).
 *  - local-p: p_t = S·sigmoid(v_pᵀ tanh(W_p h_t)) (Luong eq. 9) with S the sentence's length, the
 *    window [p_t − D, p_t + D] and a Gaussian of σ = D/2 around p_t (eq. 10). We apply the Gaussian
 *    inside the softmax, softmax(e_s − (s − p_t)²/2σ²), i.e. Luong's align·Gaussian renormalised,
 *    so the weights stay a distribution (rows sum to 1) and dumps are comparable across scopes.
 */
export class Attention extends Module {
  readonly score: AttentionScore;
  readonly scope: AttentionScope;
  readonly window: number;
  readonly positionProj: Linear | null = null;
  readonly positionV: Tensor | null = null;

  constructor(score: AttentionScore, queryDim: number, opts: AttentionOptions, rng: Rng) {
    super();
    this.score = this.module("score", score);
    this.scope = opts.scope;
    this.window = opts.window;
    if (opts.scope === "local-p") {
      if (opts.window < 1) throw new Error("Attention: local-p needs a window of at least 1 (σ = D/2)");
      this.positionProj = this.module("position_proj", new Linear(queryDim, opts.size, rng, { bias: false }));
      const bound = 1 / Math.sqrt(opts.size);
      this.positionV = this.param("position_v", uniform_(Tensor.zeros([opts.size, 1]), rng, -bound, bound));
    }
  }

  /** Precompute the key side once per batch. keys [B, S, Dk], padMask [B·S] (1 = pad), lengths [B]. */
  prepare(keys: Tensor, padMask: Uint8Array, lengths: Int32Array): AttentionMemory {
    if (keys.ndim !== 3 || padMask.length !== keys.shape[0]! * keys.shape[1]! || lengths.length !== keys.shape[0]) {
      throw shapeError("Attention.prepare", `expected keys [B, S, Dk] with a [B·S] mask and [B] lengths (mask ${padMask.length}, lengths ${lengths.length})`, keys.shape);
    }
    return { keys, prepared: this.score.prepareKeys(keys), padMask, lengths };
  }

  /**
   * Attend with query [N, Dq] at decoder step `step` (0-based; used by local-m). N = G·B: row r
   * reads sentence ⌊r / G⌋ of the memory (G = 1 in training and greedy decoding). The weights
   * are needed for the context anyway, so `opts.weights` (see MultiheadCrossAttention) changes nothing.
   */
  attend(query: Tensor, memory: AttentionMemory, step: number, _opts: { weights?: boolean } = {}): AttentionOutput {
    const [B, S, Dk] = memory.keys.shape as [number, number, number];
    const N = query.shape[0]!;
    const G = rowsPerSentence(N, B, "Attention.attend");
    let energies = this.score.energies(query, memory.prepared);
    let mask = repeatMaskRows(memory.padMask, S, G);
    if (this.scope !== "global") {
      const padMask = mask;
      const lengths = repeatLengths(memory.lengths, G);
      const centres = new Float64Array(N);
      if (this.scope === "local-m") {
        for (let r = 0; r < N; r++) centres[r] = Math.min(step, lengths[r]! - 1);
      } else {
        // p_t = S_b · sigmoid(v_pᵀ tanh(W_p h_t)), [N, 1]
        const gate = sigmoid(matmul(tanh(this.positionProj!.forward(query)), this.positionV!));
        const lengthsT = Tensor.zeros([N, 1]);
        for (let r = 0; r < N; r++) lengthsT.data[r] = lengths[r]!;
        const p = mul(gate, lengthsT);
        for (let r = 0; r < N; r++) centres[r] = Math.min(Math.round(p.data[r]!), lengths[r]! - 1);
        const positions = Tensor.zeros([N, S]);
        for (let r = 0; r < N; r++) for (let s = 0; s < S; s++) positions.data[r * S + s] = s;
        const sigma = this.window / 2;
        energies = add(energies, mulScalar(square(sub(positions, p)), -1 / (2 * sigma * sigma)));
      }
      mask = windowMask(padMask, lengths, centres, S, this.window);
    }
    const weights = softmax(energies, mask);
    // [B, G, S] · [B, S, Dk]: each sentence's G rows average its keys.
    const context = reshape(matmul(reshape(weights, [B, G, S]), memory.keys), [N, Dk]);
    return { context, weights };
  }
}

/** Padding mask plus everything outside [centre − D, centre + D] masked. */
function windowMask(padMask: Uint8Array, lengths: Int32Array, centres: Float64Array, S: number, D: number): Uint8Array {
  const mask = new Uint8Array(padMask.length);
  const B = lengths.length;
  for (let b = 0; b < B; b++) {
    const c = Math.max(0, centres[b]!);
    for (let s = 0; s < S; s++) {
      mask[b * S + s] = padMask[b * S + s] || s < c - D || s > c + D ? 1 : 0;
    }
  }
  return mask;
}
