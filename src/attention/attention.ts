import { Module } from "../nn/module.js";
import { matmul, mul, reshape } from "../ops/index.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Normalizer } from "./normalizer.js";
import type { ParameterOwner, Scope } from "./scope.js";
import { type AttentionScore, noCoverage } from "./score.js";
import type { AttentionWeightsTransform } from "./weightsTransform.js";

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
  /**
   * Copy attention (models/copy.ts; See et al. 2017 §2.2): the output-vocabulary id of each source
   * position [B·S] — the target-vocabulary id of the source token, or an extended id V + k for
   * the k-th distinct source word outside the target vocabulary — and the size of that extended
   * vocabulary (V plus the most such words of a sentence in the batch).
   */
  copy?: { ids: Int32Array; size: number };
}

export interface AttentionOutput {
  /** Context vector c_t = Σ_s a_t(s) k_s, [N, Dk]. */
  context: Tensor;
  /** Attention weights a_t [N, S]; each row sums to 1 over the allowed positions (less with local-p's "paper" form). */
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

/**
 * What a recurrent decoder attends with: the composed Attention below, or multi-head
 * cross-attention (the "multihead" score). `prepare` runs once per batch on the encoder outputs;
 * `attend` once per decoder step, query [N, Dq] with N = G·B rows (row r reads sentence ⌊r / G⌋).
 */
export type DecoderAttention = Module & {
  /** Size of the context vector attend() returns. */
  readonly contextSize: number;
  prepare(keys: Tensor, padMask: Uint8Array, lengths: Int32Array): AttentionMemory;
  /**
   * Context [N, contextSize] and weights [N, S]; weights may be null when `opts.weights` is false.
   * `opts.coverage` [N, S]: each row's running sum of past weights, for scores built with coverage.
   */
  attend(query: Tensor, memory: AttentionMemory, step: number, opts?: AttendOptions): { context: Tensor; weights: Tensor | null };
};

/** Per-step options of DecoderAttention.attend. */
export interface AttendOptions {
  /** Whether the caller reads the weights (default true). */
  weights?: boolean;
  /** Coverage c_t [N, S] = Σ_{t'<t} a_{t'} (See et al. 2017 eq. 11), or null/absent (zeros) — scores built with coverage only. */
  coverage?: Tensor | null;
}

/**
 * Attention of a recurrent decoder over encoder outputs, composed of three strategies from the
 * registry (registry.ts):
 *  - a score: how a query matches each key (energies e_t,s);
 *  - a scope: which positions may be attended (global, local-m, local-p; scope.ts);
 *  - a normaliser: how the allowed energies become weights a_t (softmax, sparsemax, entmax,
 *    optionally over the top-k only; normalizer.ts).
 * c_t = Σ_s a_t(s) k_s. Parameter names: score.*, the scope's (position_proj.weight, position_v)
 * and normalizer.* (a learned entmax α: normalizer.pre_alpha).
 */
export class Attention extends Module {
  readonly score: AttentionScore;
  readonly scope: Scope;
  readonly normalizer: Normalizer;
  /** Replaces the weights before the context is averaged (attn explain's counterfactuals); null = none, the default. */
  weightsTransform: AttentionWeightsTransform | null = null;

  /**
   * @param createScope builds the scope, registering its parameters on this module
   * @param keyDim size Dk of the keys (the context size)
   */
  constructor(score: AttentionScore, createScope: (owner: ParameterOwner) => Scope, normalizer: Normalizer, readonly keyDim: number) {
    super();
    this.score = this.module("score", score);
    this.scope = createScope({ param: (name, t) => this.param(name, t), module: (name, m) => this.module(name, m) });
    this.normalizer = this.module("normalizer", normalizer);
  }

  get contextSize(): number {
    return this.keyDim;
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
   * are needed for the context anyway, so `opts.weights` changes nothing. `opts.coverage` [N, S]
   * goes to the score (scores built with coverage only).
   */
  attend(query: Tensor, memory: AttentionMemory, step: number, opts: AttendOptions = {}): AttentionOutput {
    const [B, S, Dk] = memory.keys.shape as [number, number, number];
    const N = query.shape[0]!;
    const G = rowsPerSentence(N, B, "Attention.attend");
    const coverage = opts.coverage ?? null;
    if (coverage && !this.score.readsCoverage) throw noCoverage(this.score.kind);
    const energies = coverage ? this.score.energies(query, memory.prepared, coverage) : this.score.energies(query, memory.prepared);
    const scoped = this.scope.restrict({ energies, query, padMask: repeatMaskRows(memory.padMask, S, G), memory, rows: G, step });
    const normalised = this.normalizer.weights(scoped.energies, scoped.mask);
    // A factor after the normaliser (local-p as in Luong et al. 2015 eq. 10): rows no longer sum to 1.
    const computed = scoped.factor ? mul(normalised, scoped.factor) : normalised;
    const weights = this.weightsTransform ? this.weightsTransform(computed, { heads: 1, rowsPerHead: G }) : computed;
    // [B, G, S] · [B, S, Dk]: each sentence's G rows average its keys.
    const context = reshape(matmul(reshape(weights, [B, G, S]), memory.keys), [N, Dk]);
    return { context, weights };
  }
}
