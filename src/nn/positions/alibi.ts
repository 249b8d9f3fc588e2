import { Tensor } from "../../tensor/tensor.js";

/**
 * The head slopes of ALiBi (Press, Smith & Lewis 2022, §3): for H a power of 2 the geometric
 * sequence m_h = 2^{−8h/H}, h = 1 … H; otherwise the 2^⌊log₂H⌋ slopes of the nearest power of
 * 2 below, followed by every other slope of 2·2^⌊log₂H⌋ heads (the paper's code, its footnote
 * on head counts that are not powers of 2).
 */
export function alibiSlopes(heads: number): Float64Array {
  if (!(Number.isInteger(heads) && heads >= 1)) throw new Error(`alibiSlopes: heads must be a positive integer, got ${heads}`);
  const powerOf2 = (n: number) => Array.from({ length: n }, (_, i) => Math.pow(2, (-8 * (i + 1)) / n));
  const below = Math.pow(2, Math.floor(Math.log2(heads)));
  if (below === heads) return Float64Array.from(powerOf2(heads));
  const extra = powerOf2(2 * below).filter((_, i) => i % 2 === 0).slice(0, heads - below);
  return Float64Array.from([...powerOf2(below), ...extra]);
}

/**
 * Attention with Linear Biases (Press et al. 2022): no position embeddings; head h adds
 * −m_h·|i − j| to the score of query position i and key position j (eq. in §3: for a causal
 * decoder j ≤ i, so this is −m_h·(i − j); the encoder's bidirectional self-attention uses the
 * distance both ways). The bias depends on distances only, so it has no length limit. No parameters.
 */
export class AlibiBias {
  readonly slopes: Float64Array;

  constructor(readonly numHeads: number) {
    this.slopes = alibiSlopes(numHeads);
  }

  /**
   * bias[b·heads + h, i, j] = −m_h·|queryStart + i − j| as [B·heads, T, S] (the scores' layout),
   * queries at positions queryStart … queryStart + T − 1 over keys 0 … S − 1.
   */
  forward(batch: number, queries: number, keys: number, queryStart = keys - queries): Tensor {
    const H = this.numHeads;
    const block = queries * keys;
    const out = Tensor.zeros([batch * H, queries, keys]);
    const d = out.data;
    for (let h = 0; h < H; h++) {
      const m = this.slopes[h]!;
      for (let i = 0; i < queries; i++) for (let j = 0; j < keys; j++) d[h * block + i * keys + j] = -m * Math.abs(queryStart + i - j);
    }
    for (let b = 1; b < batch; b++) d.copyWithin(b * H * block, 0, H * block);
    return out;
  }
}
