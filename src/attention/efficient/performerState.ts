import { Tensor } from "../../tensor/tensor.js";
import { gatherRowBlocks, incrementalWork, type IncrementalAttentionState } from "./incremental.js";

/**
 * Causal FAVOR+ as a recurrence (Choromanski et al. 2021 §2.6 prefix sums; Katharopoulos et al.
 * 2020 §3.4, the transformer as an RNN): per row and head the state holds
 * S = Σ_j φ(k_j) v_jᵀ [m, d] and z = Σ_j φ(k_j) [m] over the positions so far, and position i
 * outputs φ(q_i)ᵀS / φ(q_i)ᵀz after adding its own key — O(m·d) per step whatever i is.
 *
 * The key stabiliser of positiveFeatures (a constant subtracted inside exp) cancels in the ratio,
 * so any constant may serve; a running max per row and head is used, and when a new key raises
 * it, S and z are rescaled by exp(c_old − c_new) (as an online softmax), so nothing overflows.
 * The 1/√m of φ cancels as well and is left out. Float64 sums, one row at a time: a row's output
 * does not depend on the other rows of the batch.
 */
export class PerformerIncrementalState implements IncrementalAttentionState {
  length = 0;
  private kv: Float64Array;
  private z: Float64Array;
  private c: Float64Array;
  private readonly m: number;

  constructor(readonly rows: number, readonly heads: number, readonly headDim: number, private readonly features: Tensor) {
    this.m = features.shape[0]!;
    this.kv = new Float64Array(rows * heads * this.m * headDim);
    this.z = new Float64Array(rows * heads * this.m);
    this.c = new Float64Array(rows * heads).fill(-Infinity);
  }

  step(qkv: Tensor, embedDim: number, keyPaddingMask: Uint8Array | null): Tensor {
    const [N, T, width] = qkv.shape as [number, number, number];
    if (N !== this.rows) throw new Error(`PerformerIncrementalState.step: ${N} rows for a state of ${this.rows}`);
    const { heads: H, headDim: d, m } = this;
    const S = this.length + T;
    const out = Tensor.zeros([N * H, T, d]);
    const phi = new Float64Array(m);
    const scale = Math.pow(d, -0.25);
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T; t++) {
        const row = (n * T + t) * width;
        const padded = keyPaddingMask !== null && keyPaddingMask[n * S + this.length + t] === 1;
        for (let h = 0; h < H; h++) {
          const b = n * H + h;
          if (!padded) this.addKey(b, qkv.data, row + embedDim + h * d, row + 2 * embedDim + h * d, phi, scale);
          // φ(q) up to its own constant (each query's max logit, as positiveFeatures), which cancels.
          const mx = this.logits(qkv.data, row + h * d, phi, scale);
          let den = 0;
          for (let a = 0; a < m; a++) {
            phi[a] = Math.exp(phi[a]! - mx);
            den += phi[a]! * this.z[b * m + a]!;
          }
          const o = (b * T + t) * d;
          if (den === 0) continue;
          for (let a = 0; a < m; a++) {
            const f = phi[a]! / den;
            if (f === 0) continue;
            const s = (b * m + a) * d;
            for (let e = 0; e < d; e++) out.data[o + e]! += f * this.kv[s + e]!;
          }
        }
      }
    }
    this.length = S;
    return out;
  }

  /** φ's logits w_a·x − |x|²/2 of x = scale·src[from … from + d) into `into`; returns their max. */
  private logits(src: ArrayLike<number>, from: number, into: Float64Array, scale: number): number {
    incrementalWork.featureMaps++;
    const d = this.headDim;
    const W = this.features.data;
    let norm = 0;
    for (let e = 0; e < d; e++) norm += (scale * src[from + e]!) ** 2;
    let mx = -Infinity;
    for (let a = 0; a < this.m; a++) {
      let dot = 0;
      for (let e = 0; e < d; e++) dot += W[a * d + e]! * scale * src[from + e]!;
      into[a] = dot - norm / 2;
      if (into[a]! > mx) mx = into[a]!;
    }
    return mx;
  }

  /** S += φ(k) vᵀ, z += φ(k) for block b (row·heads + head), rescaling to a new stabiliser first. */
  private addKey(b: number, src: ArrayLike<number>, keyAt: number, valueAt: number, phi: Float64Array, scale: number): void {
    const { m, headDim: d } = this;
    const mx = this.logits(src, keyAt, phi, scale);
    if (mx > this.c[b]!) {
      const f = Math.exp(this.c[b]! - mx);
      for (let i = b * m * d; i < (b + 1) * m * d; i++) this.kv[i]! *= f;
      for (let a = 0; a < m; a++) this.z[b * m + a]! *= f;
      this.c[b] = mx;
    }
    const c = this.c[b]!;
    for (let a = 0; a < m; a++) {
      const f = Math.exp(phi[a]! - c);
      this.z[b * m + a]! += f;
      const s = (b * m + a) * d;
      for (let e = 0; e < d; e++) this.kv[s + e]! += f * src[valueAt + e]!;
    }
  }

  select(rows: Int32Array): PerformerIncrementalState {
    const out = new PerformerIncrementalState(0, this.heads, this.headDim, this.features);
    (out as { rows: number }).rows = rows.length;
    out.length = this.length;
    this.copyRowsInto(out, rows);
    return out;
  }

  reorder(rows: Int32Array): void {
    if (rows.length !== this.rows) throw new Error(`PerformerIncrementalState.reorder: ${rows.length} rows for a state of ${this.rows}; use select()`);
    this.copyRowsInto(this, rows);
  }

  private copyRowsInto(target: PerformerIncrementalState, rows: Int32Array): void {
    const { heads: H, headDim: d, m } = this;
    target.kv = gatherRowBlocks(this.kv, H * m * d, rows, this.rows);
    target.z = gatherRowBlocks(this.z, H * m, rows, this.rows);
    target.c = gatherRowBlocks(this.c, H, rows, this.rows);
  }
}
