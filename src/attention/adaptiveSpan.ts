import { Module } from "../nn/module.js";
import { add, mean, mulScalar, spanMask } from "../ops/index.js";
import { Tensor } from "../tensor/tensor.js";

/** model.transformer.adaptiveSpan: the settings of every self-attention's adaptive span. */
export interface AdaptiveSpanOptions {
  /** L, the largest span (in positions). */
  maxSpan: number;
  /** R, the width of the soft ramp of the mask. */
  ramp: number;
  /** λ of the span loss λ·L·mean_h z_h, added to the training loss. */
  lossWeight: number;
  /** z of every head at the start (span init·L); default 0, as the paper's code. */
  init?: number;
}

/**
 * Adaptive attention span (Sukhbaatar, Grave, Bojanowski & Joulin 2019, "Adaptive Attention Span
 * in Transformers", §3): each head h learns z_h ∈ [0, 1], its span z_h·L, and its normalised
 * weights are multiplied by the soft mask m(x) = clamp((R + z_h·L − x)/R, 0, 1) of the distance
 * x = |i − j| and renormalised (eq. 3, ops/adaptiveSpan.ts). The span loss λ·L·mean_h z_h
 * (§3, the ℓ1 penalty on the spans, as the authors' code computes it per layer) is added to the
 * training loss, and z is clamped to [0, 1] after every optimizer step.
 * Parameter: `current_val` [heads] = z (the name of the authors' code).
 */
export class AdaptiveSpan extends Module {
  readonly z: Tensor;
  readonly maxSpan: number;
  readonly ramp: number;
  readonly lossWeight: number;

  constructor(readonly heads: number, opts: AdaptiveSpanOptions) {
    super();
    const init = opts.init ?? 0;
    if (!(Number.isInteger(opts.maxSpan) && opts.maxSpan >= 1)) throw new Error(`adaptive span: maxSpan must be a positive integer, got ${opts.maxSpan}`);
    if (!(Number.isInteger(opts.ramp) && opts.ramp >= 1)) throw new Error(`adaptive span: ramp must be a positive integer, got ${opts.ramp}`);
    if (!(opts.lossWeight >= 0)) throw new Error(`adaptive span: lossWeight must be ≥ 0, got ${opts.lossWeight}`);
    if (!(init >= 0 && init <= 1)) throw new Error(`adaptive span: init must be in [0, 1], got ${init}`);
    this.maxSpan = opts.maxSpan;
    this.ramp = opts.ramp;
    this.lossWeight = opts.lossWeight;
    this.z = this.param("current_val", Tensor.full([heads], init));
  }

  /**
   * Weights [B·heads, T, S] (row b·heads + h, queries at positions queryStart … queryStart+T−1
   * over keys 0 … S−1) → masked and renormalised, the same shape.
   */
  apply(weights: Tensor, queryStart: number): Tensor {
    const T = weights.shape[weights.ndim - 2]!;
    return spanMask(weights, this.z, { heads: this.heads, rowsPerHead: T, queryStart, maxSpan: this.maxSpan, ramp: this.ramp });
  }

  /** λ·L·mean_h z_h, a scalar. */
  loss(): Tensor {
    return mulScalar(mean(this.z), this.lossWeight * this.maxSpan);
  }

  /** z ← clamp(z, 0, 1) (after an optimizer step). */
  clamp(): void {
    const z = this.z.data;
    for (let h = 0; h < z.length; h++) z[h] = Math.min(1, Math.max(0, z[h]!));
  }

  /** The span of each head in positions, z_h·L. */
  spans(): number[] {
    return Array.from(this.z.data, (z) => z * this.maxSpan);
  }
}

/** The learned spans of one attention: its module path (e.g. "encoder.layers.0.self_attn") and z_h·L per head. */
export interface LearnedSpans {
  attention: string;
  spans: number[];
}

const found = new WeakMap<Module, [string, AdaptiveSpan][]>();

/** Every AdaptiveSpan under `root` with its module path, in registration order (cached per root). */
export function adaptiveSpans(root: Module): [string, AdaptiveSpan][] {
  let list = found.get(root);
  if (!list) {
    list = [];
    const walk = (m: Module, path: string) => {
      if (m instanceof AdaptiveSpan) list!.push([path, m]);
      for (const [name, child] of m.namedChildren()) walk(child, path ? `${path}.${name}` : name);
    };
    walk(root, "");
    found.set(root, list);
  }
  return list;
}

/** The sum of every adaptive span's loss under `root`, or null when it has none. */
export function adaptiveSpanLoss(root: Module): Tensor | null {
  let total: Tensor | null = null;
  for (const [, s] of adaptiveSpans(root)) total = total ? add(total, s.loss()) : s.loss();
  return total;
}

/** Clamp every z under `root` to [0, 1]. */
export function clampAdaptiveSpans(root: Module): void {
  for (const [, s] of adaptiveSpans(root)) s.clamp();
}

/** The learned span of every head of every attention under `root` (empty without adaptive spans). */
export function learnedSpans(root: Module): LearnedSpans[] {
  return adaptiveSpans(root).map(([path, s]) => ({ attention: path.replace(/\.adaptive_span$/, ""), spans: s.spans() }));
}
