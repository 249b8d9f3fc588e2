import { noGrad } from "../../autograd/tape.js";
import { div, exp, maskedFill, matmul, mulScalar, performerCausal, square, sub, sum } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { Tensor } from "../../tensor/tensor.js";
import { EfficientSelfAttention, type EfficientAttendOptions, type EfficientAttendResult } from "./base.js";
import { PerformerIncrementalState } from "./performerState.js";

/**
 * m orthogonal random features for d-dimensional inputs (Choromanski et al. 2021 §2.4, ORF):
 * blocks of d Gaussian rows orthonormalised by Gram–Schmidt, each row then rescaled by the norm of
 * an independent Gaussian d-vector (a chi(d) draw) so its length is distributed as a Gaussian
 * row's; the last block keeps its first m mod d rows. Row-major [m, d] into `out`.
 */
export function orthogonalGaussianFeatures(out: ArrayLike<number> & { [i: number]: number }, m: number, d: number, rng: Rng): void {
  const block = new Float64Array(d * d);
  for (let first = 0; first < m; first += d) {
    for (let i = 0; i < d * d; i++) block[i] = rng.normal();
    for (let r = 0; r < d; r++) {
      for (let s = 0; s < r; s++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += block[r * d + c]! * block[s * d + c]!;
        for (let c = 0; c < d; c++) block[r * d + c]! -= dot * block[s * d + c]!;
      }
      let norm = 0;
      for (let c = 0; c < d; c++) norm += block[r * d + c]! ** 2;
      norm = Math.sqrt(norm);
      for (let c = 0; c < d; c++) block[r * d + c]! /= norm;
    }
    for (let r = 0; r < d && first + r < m; r++) {
      let chi = 0;
      for (let c = 0; c < d; c++) chi += rng.normal() ** 2;
      chi = Math.sqrt(chi);
      for (let c = 0; c < d; c++) out[(first + r) * d + c] = block[r * d + c]! * chi;
    }
  }
}

/**
 * Positive random features (FAVOR+, Choromanski et al. 2021 eq. 7 / Lemma 1):
 * φ(x) = exp(Wx − |x|²/2 − c)/√m for x [N, L, d] (already scaled by d^{-1/4}, so φ(q)·φ(k)
 * estimates exp(q·k/√d)) and features W [m, d]. The stabiliser c (a constant, as in the paper's
 * code) is each row's max for queries and, for keys, the max over each sequence n's real keys
 * (`keyMask` [N·L], 1 = padded, skipped): both cancel in the normalised attention, so no gradient
 * flows through them, and neither depends on the other sentences of the batch or on padding, so
 * a sentence gets the same bits alone and in any batch.
 */
export function positiveFeatures(x: Tensor, W: Tensor, isQuery: boolean, keyMask: Uint8Array | null = null): Tensor {
  const m = W.shape[0]!;
  const logits = sub(matmul(x, W, { transB: true }), mulScalar(sum(square(x), 2, true), 0.5));
  const [N, L] = logits.shape as [number, number, number];
  const stabiliser = noGrad(() => {
    const t = Tensor.zeros(isQuery ? [N, L, 1] : [N, 1, 1]);
    if (!isQuery) t.data.fill(-Infinity);
    for (let r = 0; r < N * L; r++) {
      if (!isQuery && keyMask && keyMask[r] === 1) continue;
      let mx = isQuery ? -Infinity : t.data[Math.floor(r / L)]!;
      for (let a = 0; a < m; a++) mx = Math.max(mx, logits.data[r * m + a]!);
      t.data[isQuery ? r : Math.floor(r / L)] = mx;
    }
    if (!isQuery) for (let n = 0; n < N; n++) if (t.data[n] === -Infinity) t.data[n] = 0;
    return t;
  });
  return mulScalar(exp(sub(logits, stabiliser)), 1 / Math.sqrt(m));
}

/**
 * FAVOR+ attention given features W [m, d]: q [N, T, d], k [N, S, d], v [N, S, dv] →
 * D⁻¹ φ(Q)(φ(K)ᵀV), D = diag(φ(Q)(φ(K)ᵀ1)) (the associative form, eq. 4), or by prefix sums
 * when causal. Padded keys (keyMask [N·S], 1 = padded) get φ(k) = 0. Returns the features too.
 */
export function favorAttention(q: Tensor, k: Tensor, v: Tensor, W: Tensor, causal: boolean, keyMask: Uint8Array | null): { output: Tensor; fq: Tensor; fk: Tensor } {
  const d = q.shape[2]!;
  const scale = Math.pow(d, -0.25);
  const fq = positiveFeatures(mulScalar(q, scale), W, true);
  let fk = positiveFeatures(mulScalar(k, scale), W, false, keyMask);
  const m = W.shape[0]!;
  if (keyMask) {
    const fill = new Uint8Array(fk.size);
    for (let r = 0; r < keyMask.length; r++) if (keyMask[r] === 1) fill.fill(1, r * m, (r + 1) * m);
    fk = maskedFill(fk, fill, 0);
  }
  if (causal) return { output: performerCausal(fq, fk, v), fq, fk };
  const kv = matmul(fk, v, { transA: true }); // [N, m, dv]
  const numerator = matmul(fq, kv); // [N, T, dv]
  // Padded keys have φ = 0, and every kernel set's sums are unchanged by zeros appended to the
  // summed axis, so a sentence's denominator has the same bits alone and in a padded batch.
  const denominator = matmul(fq, sum(fk, 1, true), { transB: true }); // [N, T, 1]
  return { output: div(numerator, denominator), fq, fk };
}

/**
 * Performer self-attention (Choromanski et al. 2021): FAVOR+ with m orthogonal positive random
 * features, one draw per layer shared by the heads, kept in self_attn.performer.features [m, d]
 * (saved with the checkpoint, no gradient) so decoding is deterministic. In training, every
 * `redrawEvery` forward passes (0 = never) the features are redrawn from the layer's stream of
 * the config seed, so a run is reproducible.
 */
export class PerformerSelfAttention extends EfficientSelfAttention {
  readonly kind = "performer" as const;
  readonly moduleName = "performer";
  readonly features: Tensor;
  private passes = 0;

  constructor(readonly numFeatures: number, readonly headDim: number, readonly redrawEvery: number, causal: boolean, private readonly rng: Rng) {
    super(causal);
    this.features = this.param("features", Tensor.zeros([numFeatures, headDim]));
    this.features.requiresGrad = false;
    this.redraw();
  }

  /** Draw new orthogonal random features in place. */
  redraw(): void {
    orthogonalGaussianFeatures(this.features.data, this.numFeatures, this.headDim, this.rng);
  }

  attend(q: Tensor, k: Tensor, v: Tensor, opts: EfficientAttendOptions): EfficientAttendResult {
    if (this.training && this.redrawEvery > 0) {
      if (this.passes > 0 && this.passes % this.redrawEvery === 0) this.redraw();
      this.passes++;
    }
    const [N, S] = k.shape as [number, number];
    let keyMask: Uint8Array | null = null;
    if (opts.keyPaddingMask) {
      keyMask = new Uint8Array(N * S);
      for (let n = 0; n < N; n++) keyMask.set(opts.keyPaddingMask.subarray(Math.floor(n / opts.heads) * S, (Math.floor(n / opts.heads) + 1) * S), n * S);
    }
    const r = favorAttention(q, k, v, this.features, this.causal, keyMask);
    return {
      output: r.output,
      impliedWeights: () => impliedFavorWeights(r.fq, r.fk, this.causal, opts.queryStart),
    };
  }

  /** The causal form's running prefix sums (performerState.ts): O(1) per decoding step. */
  override incrementalState(rows: number, heads: number, headDim: number): PerformerIncrementalState | null {
    return this.causal ? new PerformerIncrementalState(rows, heads, headDim, this.features) : null;
  }
}

/** A_ij = φ(q_i)·φ(k_j) / Σ_j' φ(q_i)·φ(k_j') over the allowed keys, [N, T, S]: O(n²), dumps only. */
export function impliedFavorWeights(fq: Tensor, fk: Tensor, causal: boolean, queryStart: number): Tensor {
  return noGrad(() => {
    const a = matmul(fq, fk, { transB: true });
    const [N, T, S] = a.shape as [number, number, number];
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < T; i++) {
        const row = (n * T + i) * S;
        let total = 0;
        for (let j = 0; j < S; j++) {
          if (causal && j > queryStart + i) a.data[row + j] = 0;
          total += a.data[row + j]!;
        }
        const inv = total !== 0 ? 1 / total : 0;
        for (let j = 0; j < S; j++) a.data[row + j]! *= inv;
      }
    }
    return a;
  });
}
