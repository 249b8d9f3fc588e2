import { describe, expect, it } from "vitest";
import { gradCheck } from "../../../src/autograd/gradcheck.js";
import { windowAttention, windowAttentionWeights } from "../../../src/ops/index.js";
import { withFloat64 } from "../../../src/tensor/dtype.js";
import { Rng } from "../../../src/tensor/rng.js";
import { Tensor } from "../../../src/tensor/tensor.js";

function gaussian(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/** Float64 reference from Longformer's definition: softmax over the allowed keys (dense, O(n²)). */
function reference(q: Tensor, k: Tensor, v: Tensor, allowed: (n: number, i: number, j: number) => boolean): { out: Float64Array; w: Float64Array } {
  const [N, T, d] = q.shape as [number, number, number];
  const S = k.shape[1]!;
  const dv = v.shape[2]!;
  const out = new Float64Array(N * T * dv);
  const w = new Float64Array(N * T * S);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const s: number[] = [];
      for (let j = 0; j < S; j++) {
        let x = 0;
        for (let e = 0; e < d; e++) x += q.data[(n * T + i) * d + e]! * k.data[(n * S + j) * d + e]!;
        s.push(allowed(n, i, j) ? x / Math.sqrt(d) : -Infinity);
      }
      const m = Math.max(...s);
      const ex = s.map((x) => (x === -Infinity ? 0 : Math.exp(x - m)));
      const z = ex.reduce((a, b) => a + b, 0);
      for (let j = 0; j < S; j++) {
        const p = z > 0 ? ex[j]! / z : 0;
        w[(n * T + i) * S + j] = p;
        for (let e = 0; e < dv; e++) out[(n * T + i) * dv + e]! += p * v.data[(n * S + j) * dv + e]!;
      }
    }
  }
  return { out, w };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("windowAttention (Longformer sliding window + global tokens)", () => {
  it("w ≥ n and g = 0 equals full attention", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      const q = gaussian([3, 7, 4], rng), k = gaussian([3, 7, 4], rng), v = gaussian([3, 7, 5], rng);
      const r = windowAttention(q, k, v, { window: 7 });
      const ref = reference(q, k, v, () => true);
      expect(maxDiff(r.output.data, ref.out)).toBeLessThan(1e-12);
      expect(maxDiff(windowAttentionWeights(r).data, ref.w)).toBeLessThan(1e-12);
    });
  });

  it("matches the banded + global reference, bidirectional and causal, with padding", () => {
    withFloat64(() => {
      const rng = new Rng(2);
      const heads = 2, B = 2, S = 11, w = 2, g = 2;
      const q = gaussian([B * heads, S, 3], rng), k = gaussian([B * heads, S, 3], rng), v = gaussian([B * heads, S, 3], rng);
      const pad = new Uint8Array(B * S);
      pad.fill(1, S + 8, 2 * S); // sentence 1 has 8 real tokens
      for (const causal of [false, true]) {
        const r = windowAttention(q, k, v, { window: w, globalTokens: g, causal, keyPaddingMask: pad, heads });
        const ref = reference(q, k, v, (n, i, j) => {
          if (pad[Math.floor(n / heads) * S + j]) return false;
          if (causal && j > i) return false;
          return i < g || j < g || Math.abs(i - j) <= w;
        });
        expect(maxDiff(r.output.data, ref.out)).toBeLessThan(1e-12);
        expect(maxDiff(windowAttentionWeights(r).data, ref.w)).toBeLessThan(1e-12);
      }
    });
  });

  it("causal never attends ahead; padding never changes real positions", () => {
    const rng = new Rng(3);
    const q = gaussian([2, 9, 4], rng), k = gaussian([2, 9, 4], rng), v = gaussian([2, 9, 4], rng);
    const r = windowAttentionWeights(windowAttention(q, k, v, { window: 3, globalTokens: 1, causal: true }));
    for (let n = 0; n < 2; n++) for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) expect(r.data[(n * 9 + i) * 9 + j]).toBe(0);
    // 6 real tokens then 3 padded ones with other (random) contents: the real rows are unchanged.
    const short = windowAttention(sliceRows(q, 6), sliceRows(k, 6), sliceRows(v, 6), { window: 2, globalTokens: 1 }).output;
    const pad = new Uint8Array(2 * 9);
    pad.fill(1, 6, 9);
    pad.fill(1, 15, 18);
    const padded = windowAttention(q, k, v, { window: 2, globalTokens: 1, keyPaddingMask: pad }).output;
    for (let n = 0; n < 2; n++) for (let i = 0; i < 6; i++) for (let e = 0; e < 4; e++) expect(padded.data[(n * 9 + i) * 4 + e]).toBe(short.data[(n * 6 + i) * 4 + e]);
  });

  it("stepping one query at a time (cached decoding) equals the causal forward", () => {
    const rng = new Rng(4);
    const q = gaussian([2, 8, 4], rng), k = gaussian([2, 8, 4], rng), v = gaussian([2, 8, 4], rng);
    const full = windowAttention(q, k, v, { window: 2, globalTokens: 1, causal: true }).output;
    for (let t = 0; t < 8; t++) {
      const step = windowAttention(sliceRow(q, t), sliceRows(k, t + 1), sliceRows(v, t + 1), { window: 2, globalTokens: 1, causal: true, queryStart: t }).output;
      for (let n = 0; n < 2; n++) for (let e = 0; e < 4; e++) expect(step.data[n * 4 + e]).toBe(full.data[(n * 8 + t) * 4 + e]);
    }
  });

  it("passes the finite-difference gradient check (float64)", () => {
    withFloat64(() => {
      const rng = new Rng(5);
      const q = gaussian([2, 7, 3], rng), k = gaussian([2, 7, 3], rng), v = gaussian([2, 7, 2], rng);
      const pad = new Uint8Array(7);
      pad[6] = 1;
      for (const causal of [false, true]) {
        const r = gradCheck(() => windowAttention(q, k, v, { window: 1, globalTokens: 1, causal, keyPaddingMask: pad, heads: 2 }).output, [q, k, v]);
        expect(r.ok, r.worst).toBe(true);
      }
    });
  });

  it("keeps O(n·w) storage: the banded weights are never n×n", () => {
    const rng = new Rng(6);
    const n = 256;
    const x = gaussian([1, n, 4], rng);
    const r = windowAttention(x, x, x, { window: 4, globalTokens: 2 });
    expect(r.probs.size).toBe(2 * n + (n - 2) * (2 + 9));
  });
});

/** The first `len` rows of x [N, L, d]. */
function sliceRows(x: Tensor, len: number): Tensor {
  const [N, L, d] = x.shape as [number, number, number];
  const out = Tensor.zeros([N, len, d]);
  for (let n = 0; n < N; n++) out.data.set(x.data.subarray(n * L * d, (n * L + len) * d), n * len * d);
  return out;
}

/** Row t of x [N, L, d] as [N, 1, d]. */
function sliceRow(x: Tensor, t: number): Tensor {
  const [N, L, d] = x.shape as [number, number, number];
  const out = Tensor.zeros([N, 1, d]);
  for (let n = 0; n < N; n++) out.data.set(x.data.subarray((n * L + t) * d, (n * L + t + 1) * d), n * d);
  return out;
}

