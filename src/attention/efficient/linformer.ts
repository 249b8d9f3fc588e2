import { xavierUniform_ } from "../../nn/init.js";
import { maskedFill, matmul, mulScalar, slice, softmax } from "../../ops/index.js";
import type { Rng } from "../../tensor/rng.js";
import { Tensor } from "../../tensor/tensor.js";
import { EfficientSelfAttention, type EfficientAttendOptions, type EfficientAttendResult } from "./base.js";

/**
 * Linformer self-attention (Wang et al. 2020, eq. 7): learned E, F ∈ R^{k×n_max} project the keys
 * and values along the sequence, head_i = softmax(Q (E K)ᵀ/√d) (F V); a sequence of n ≤ n_max
 * uses the first n columns. Padded keys and values are zeroed before the projection. One E, F per
 * layer shared by the heads (the paper's headwise sharing); with shareKV, F = E ("key-value
 * sharing"). Parameters self_attn.linformer.E [k, n_max] (and F). Encoder only (not causal).
 */
export class LinformerSelfAttention extends EfficientSelfAttention {
  readonly kind = "linformer" as const;
  readonly moduleName = "linformer";
  readonly E: Tensor;
  readonly F: Tensor;

  constructor(readonly projectedLength: number, readonly maxPositions: number, readonly shareKV: boolean, rng: Rng) {
    super(false);
    this.E = this.param("E", xavierUniform_(Tensor.zeros([projectedLength, maxPositions]), rng));
    this.F = shareKV ? this.E : this.param("F", xavierUniform_(Tensor.zeros([projectedLength, maxPositions]), rng));
  }

  attend(q: Tensor, k: Tensor, v: Tensor, opts: EfficientAttendOptions): EfficientAttendResult {
    const [N, S, d] = k.shape as [number, number, number];
    const dv = v.shape[2]!;
    if (S > this.maxPositions) throw new Error(`Linformer: ${S} keys exceed the ${this.maxPositions} columns of its projections (model.transformer.maxPositions)`);
    if (opts.keyPaddingMask) {
      k = maskedFill(k, rowMask(opts.keyPaddingMask, opts.heads, N, S, d), 0);
      v = maskedFill(v, rowMask(opts.keyPaddingMask, opts.heads, N, S, dv), 0);
    }
    const e = slice(this.E, 1, 0, S);
    const f = this.shareKV ? e : slice(this.F, 1, 0, S);
    // (E K)ᵀ = Kᵀ Eᵀ [N, d, k] and (F V)ᵀ [N, dv, k], via matmul's transposed operands.
    const keysT = matmul(k, e, { transA: true, transB: true });
    const valuesT = matmul(v, f, { transA: true, transB: true });
    const weights = softmax(mulScalar(matmul(q, keysT), 1 / Math.sqrt(d)), null);
    return { output: matmul(weights, valuesT, { transB: true }), impliedWeights: () => matmul(weights, f) };
  }
}

/** [N·S·width] fill mask of rows whose key is padded (row n of sentence ⌊n / heads⌋). */
function rowMask(keyPaddingMask: Uint8Array, heads: number, N: number, S: number, width: number): Uint8Array {
  const out = new Uint8Array(N * S * width);
  for (let n = 0; n < N; n++) {
    const b = Math.floor(n / heads);
    for (let j = 0; j < S; j++) if (keyPaddingMask[b * S + j] === 1) out.fill(1, (n * S + j) * width, (n * S + j + 1) * width);
  }
  return out;
}
