import { describe, expect, it } from "vitest";
import { favorAttention, LinformerSelfAttention, orthogonalGaussianFeatures, PerformerSelfAttention } from "../../../src/attention/efficient/index.js";
import { scaledDotProductAttention } from "../../../src/attention/scaledDotProduct.js";
import { gradCheck } from "../../../src/autograd/gradcheck.js";
import { withFloat64 } from "../../../src/tensor/dtype.js";
import { Rng } from "../../../src/tensor/rng.js";
import { Tensor } from "../../../src/tensor/tensor.js";

function gaussian(shape: number[], rng: Rng, std = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * FAVOR+ straight from the paper's equations in float64, no stabiliser: φ(x) = exp(Wx − |x|²/2)/√m
 * with x = q/d^{1/4} (k likewise), out_i = Σ_j φ(q_i)·φ(k_j) v_j / Σ_j φ(q_i)·φ(k_j), j ≤ i when causal.
 */
function favorReference(q: Tensor, k: Tensor, v: Tensor, W: Tensor, causal: boolean): Float64Array {
  const [N, T, d] = q.shape as [number, number, number];
  const S = k.shape[1]!;
  const dv = v.shape[2]!;
  const m = W.shape[0]!;
  const phi = (x: Tensor, row: number): number[] => {
    const s = Math.pow(d, -0.25);
    let sq = 0;
    for (let e = 0; e < d; e++) sq += (s * x.data[row * d + e]!) ** 2;
    const out: number[] = [];
    for (let a = 0; a < m; a++) {
      let dot = 0;
      for (let e = 0; e < d; e++) dot += W.data[a * d + e]! * s * x.data[row * d + e]!;
      out.push(Math.exp(dot - sq / 2) / Math.sqrt(m));
    }
    return out;
  };
  const out = new Float64Array(N * T * dv);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const fq = phi(q, n * T + i);
      let z = 0;
      for (let j = 0; j < S; j++) {
        if (causal && j > S - T + i) continue;
        const fk = phi(k, n * S + j);
        const a = fq.reduce((acc, x, c) => acc + x * fk[c]!, 0);
        z += a;
        for (let e = 0; e < dv; e++) out[(n * T + i) * dv + e]! += a * v.data[(n * S + j) * dv + e]!;
      }
      for (let e = 0; e < dv; e++) out[(n * T + i) * dv + e]! /= z;
    }
  }
  return out;
}

describe("Linformer (Wang et al. 2020)", () => {
  it("k = n with identity projections equals full softmax attention", () => {
    withFloat64(() => {
      const n = 6;
      const lin = new LinformerSelfAttention(n, n, false, new Rng(1));
      for (const P of [lin.E, lin.F]) {
        P.data.fill(0);
        for (let i = 0; i < n; i++) P.data[i * n + i] = 1;
      }
      const rng = new Rng(2);
      const q = gaussian([4, n, 3], rng), k = gaussian([4, n, 3], rng), v = gaussian([4, n, 3], rng);
      const r = lin.attend(q, k, v, { batch: 2, heads: 2, keyPaddingMask: null, queryStart: 0 });
      const full = scaledDotProductAttention(q, k, v);
      expect(maxDiff(r.output.data, full.output.data)).toBeLessThan(1e-12);
      expect(maxDiff(r.impliedWeights().data, full.weights.data)).toBeLessThan(1e-12);
    });
  });

  it("shorter sequences use the first n columns; padding is zeroed before projection; gradients check", () => {
    withFloat64(() => {
      const lin = new LinformerSelfAttention(3, 8, false, new Rng(3));
      const rng = new Rng(4);
      const q = gaussian([2, 5, 2], rng), k = gaussian([2, 5, 2], rng), v = gaussian([2, 5, 2], rng);
      const pad = new Uint8Array([0, 0, 0, 1, 1]);
      const a = lin.attend(q, k, v, { batch: 1, heads: 2, keyPaddingMask: pad, queryStart: 0 }).output;
      // Other contents at the padded keys change nothing.
      const kOther = Tensor.from(k.data, k.shape);
      for (let n = 0; n < 2; n++) for (const j of [3, 4]) for (let e = 0; e < 2; e++) kOther.data[(n * 5 + j) * 2 + e] = 100 + j;
      const b = lin.attend(q, kOther, v, { batch: 1, heads: 2, keyPaddingMask: pad, queryStart: 0 }).output;
      expect(maxDiff(a.data, b.data)).toBe(0);
      const r = gradCheck(() => lin.attend(q, k, v, { batch: 1, heads: 2, keyPaddingMask: pad, queryStart: 0 }).output, [q, k, v, lin.E, lin.F]);
      expect(r.ok, r.worst).toBe(true);
      const shared = new LinformerSelfAttention(3, 8, true, new Rng(3));
      const r2 = gradCheck(() => shared.attend(q, k, v, { batch: 1, heads: 2, keyPaddingMask: null, queryStart: 0 }).output, [q, k, v, shared.E]);
      expect(r2.ok, r2.worst).toBe(true);
    });
  });
});

describe("Performer FAVOR+ (Choromanski et al. 2021)", () => {
  it("orthogonal features: rows within a block are orthogonal", () => {
    const W = new Float64Array(6 * 4);
    orthogonalGaussianFeatures(W, 6, 4, new Rng(5));
    for (let r = 0; r < 4; r++) {
      for (let s = 0; s < r; s++) {
        let dot = 0;
        for (let c = 0; c < 4; c++) dot += W[r * 4 + c]! * W[s * 4 + c]!;
        expect(Math.abs(dot)).toBeLessThan(1e-9);
      }
    }
  });

  it("with fixed features equals the explicit feature-map formula (float64), bidirectional and causal (prefix sums)", () => {
    withFloat64(() => {
      const rng = new Rng(6);
      const W = Tensor.zeros([8, 4]);
      orthogonalGaussianFeatures(W.data, 8, 4, rng);
      const q = gaussian([3, 7, 4], rng, 0.5), k = gaussian([3, 7, 4], rng, 0.5), v = gaussian([3, 7, 3], rng);
      for (const causal of [false, true]) {
        const r = favorAttention(q, k, v, W, causal, null).output;
        expect(maxDiff(r.data, favorReference(q, k, v, W, causal))).toBeLessThan(1e-10);
      }
      // Causal with fewer queries than keys (a decoding step): the last T rows.
      const qs = gaussian([3, 2, 4], rng, 0.5);
      expect(maxDiff(favorAttention(qs, k, v, W, true, null).output.data, favorReference(qs, k, v, W, true))).toBeLessThan(1e-10);
    });
  });

  it("the error against softmax attention falls as the number of features grows", () => {
    withFloat64(() => {
      const rng = new Rng(7);
      const q = gaussian([4, 16, 8], rng, 0.6), k = gaussian([4, 16, 8], rng, 0.6), v = gaussian([4, 16, 8], rng);
      const exact = scaledDotProductAttention(q, k, v).output.data;
      const errorAt = (m: number): number => {
        let e = 0;
        for (let seed = 0; seed < 5; seed++) {
          const W = Tensor.zeros([m, 8]);
          orthogonalGaussianFeatures(W.data, m, 8, new Rng(100 + seed));
          e += relativeError(favorAttention(q, k, v, W, false, null).output.data, exact);
        }
        return e / 5;
      };
      const errors = [8, 64, 512].map(errorAt);
      expect(errors[1]!).toBeLessThan(errors[0]!);
      expect(errors[2]!).toBeLessThan(errors[1]!);
      expect(errors[2]!).toBeLessThan(errors[0]! / 2);
    });
  });

  it("passes the gradient check, bidirectional with padding and causal", () => {
    withFloat64(() => {
      const rng = new Rng(8);
      const q = gaussian([2, 5, 4], rng, 0.5), k = gaussian([2, 5, 4], rng, 0.5), v = gaussian([2, 5, 3], rng);
      for (const causal of [false, true]) {
        const p = new PerformerSelfAttention(6, 4, 0, causal, new Rng(9));
        const r = gradCheck(() => p.attend(q, k, v, { batch: 1, heads: 2, keyPaddingMask: causal ? null : new Uint8Array([0, 0, 0, 0, 1]), queryStart: 0 }).output, [q, k, v]);
        expect(r.ok, r.worst).toBe(true);
      }
    });
  });

  it("redraws its features every redrawEvery training passes, reproducibly, and never in eval", () => {
    const a = new PerformerSelfAttention(4, 4, 2, false, new Rng(10));
    const b = new PerformerSelfAttention(4, 4, 2, false, new Rng(10));
    const x = gaussian([1, 3, 4], new Rng(11));
    const first = Array.from(a.features.data);
    a.attend(x, x, x, { batch: 1, heads: 1, keyPaddingMask: null, queryStart: 0 });
    a.attend(x, x, x, { batch: 1, heads: 1, keyPaddingMask: null, queryStart: 0 });
    expect(Array.from(a.features.data)).toEqual(first);
    a.attend(x, x, x, { batch: 1, heads: 1, keyPaddingMask: null, queryStart: 0 });
    expect(Array.from(a.features.data)).not.toEqual(first);
    for (let i = 0; i < 3; i++) b.attend(x, x, x, { batch: 1, heads: 1, keyPaddingMask: null, queryStart: 0 });
    expect(Array.from(b.features.data)).toEqual(Array.from(a.features.data));
    b.eval();
    const frozen = Array.from(b.features.data);
    for (let i = 0; i < 4; i++) b.attend(x, x, x, { batch: 1, heads: 1, keyPaddingMask: null, queryStart: 0 });
    expect(Array.from(b.features.data)).toEqual(frozen);
  });
});
