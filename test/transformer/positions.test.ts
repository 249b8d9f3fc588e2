import { describe, expect, it } from "vitest";
import { MultiheadAttention } from "../../src/attention/multihead.js";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { LearnedPositions } from "../../src/nn/positions/learned.js";
import { RelativeBias } from "../../src/nn/positions/relativeBias.js";
import { relativeBuckets } from "../../src/nn/positions/relativeBuckets.js";
import { gatherRelative, scatterRelative } from "../../src/nn/positions/relativeGather.js";
import { ShawRelativePositions } from "../../src/nn/positions/shaw.js";
import { SinusoidalPositions, sinusoidalPositions } from "../../src/nn/positions/sinusoidal.js";
import { concat, slice } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { flatConcat } from "../nn/helpers.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";
import { maxAbsDiff, padMask } from "./helpers.js";

describe("absolute positions", () => {
  it("SinusoidalPositions adds rows offset… of the table and has no parameters", () => {
    const pe = new SinusoidalPositions(6, 4);
    expect(pe.parameters()).toEqual([]);
    const y = pe.forward(Tensor.zeros([2, 3, 4]), 2);
    expect(Array.from(y.data.subarray(12, 24))).toEqual(Array.from(pe.table.data.subarray(8, 20)));
    expect(y.data[0]).toBeCloseTo(Math.sin(2), 6);
  });

  it("SinusoidalPositions has no length limit: past its first rows the table grows with the same sinusoids", () => {
    const pe = new SinusoidalPositions(6, 4);
    const y = pe.forward(Tensor.zeros([1, 5, 4]), 4); // positions 4 … 8 of a 6-row table
    expect(pe.table.shape[0]).toBeGreaterThanOrEqual(9);
    const reference = sinusoidalPositions(9, 4);
    expect(Array.from(y.data)).toEqual(Array.from(reference.data.subarray(16, 36)));
    // Position 300 (angle 300 in the first channel pair).
    const far = pe.forward(Tensor.zeros([1, 1, 4]), 300);
    expect(far.data[0]).toBeCloseTo(Math.sin(300), 5);
    expect(far.data[1]).toBeCloseTo(Math.cos(300), 5);
  });

  it("LearnedPositions stop at their table: a position past it is a bug the callers check for first", () => {
    const pe = new LearnedPositions(5, 3, new Rng(1));
    expect(() => pe.forward(Tensor.zeros([1, 3, 3]), 3)).toThrow(/exceed the table's 5/);
  });

  it("LearnedPositions: parameter weight [maxLen, d], gradient only into the used rows", () => {
    gradCase(31, (rng) => {
      const pe = new LearnedPositions(5, 3, rng);
      expect(pe.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([["weight", [5, 3]]]);
      const x = randn([2, 2, 3], rng);
      expectGradOk(() => pe.forward(x, 1), [x, pe.weight]);
      pe.weight.grad = null;
      pe.forward(x, 1).backward(new Float64Array(12).fill(1));
      expect(Array.from(pe.weight.grad!)).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    });
  });
});

describe("relative position building blocks", () => {
  it("relativeBuckets clips j − i to ±k and shifts by k, with query offsets", () => {
    expect(Array.from(relativeBuckets(3, 3, 1))).toEqual([1, 2, 2, 0, 1, 2, 0, 0, 1]);
    expect(Array.from(relativeBuckets(1, 4, 2))).toEqual([0, 0, 1, 2]); // the last query of 4 positions
    expect(Array.from(relativeBuckets(2, 2, 5, 3, 3))).toEqual(Array.from(relativeBuckets(2, 2, 5)));
  });

  it("gatherRelative and scatterRelative are adjoint and pass gradient checks", () => {
    gradCase(32, (rng) => {
      const buckets = relativeBuckets(3, 4, 1, 1);
      const x = randn([2, 3, 3], rng);
      const w = randn([2, 3, 4], rng);
      // ⟨gather(x), w⟩ = ⟨x, scatter(w)⟩
      const g = gatherRelative(x, buckets, 4);
      const s = scatterRelative(w, buckets, 3);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < g.size; i++) lhs += g.data[i]! * w.data[i]!;
      for (let i = 0; i < s.size; i++) rhs += s.data[i]! * x.data[i]!;
      expect(lhs).toBeCloseTo(rhs, 12);
      expectGradOk(() => gatherRelative(x, buckets, 4), [x]);
      expectGradOk(() => scatterRelative(w, buckets, 3), [w]);
    });
  });

  it("RelativeBias lays weight[bucket(i, j), h] out as [B·heads, T, S]", () => {
    const rb = new RelativeBias(2, 1);
    rb.weight.data.set([10, 20, 11, 21, 12, 22]); // rows: distance −1, 0, +1; columns: heads
    const b = rb.forward(2, 2, 3);
    expect(b.shape).toEqual([4, 2, 3]);
    // queries at positions 1, 2 over keys 0, 1, 2; head 1 of batch row 1 is row 3.
    expect(Array.from(b.data.subarray(18, 24))).toEqual([20, 21, 22, 20, 20, 21]);
    expect(Array.from(b.data.subarray(0, 6))).toEqual(Array.from(b.data.subarray(12, 18)));
  });

  it("clipped distances have no length limit: at 300 positions Shaw and the T5-style bias use their 2k+1 rows", () => {
    const buckets = relativeBuckets(300, 300, 2);
    expect(Math.min(...buckets)).toBe(0);
    expect(Math.max(...buckets)).toBe(4);
    expect(buckets[299]).toBe(4); // query 0, key 299: clipped to +k
    const rb = new RelativeBias(1, 2);
    rb.weight.data.set([1, 2, 3, 4, 5]);
    const bias = rb.forward(1, 1, 300, 299); // one decoding step at position 299
    expect(Array.from(bias.data.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(bias.data.subarray(297))).toEqual([1, 2, 3]); // keys 297 … 299: distances −2, −1, 0
    const shaw = new ShawRelativePositions(2, 2, new Rng(1));
    const term = shaw.scoreBias(Tensor.zeros([1, 300, 2]), shaw.buckets(300, 300), 300);
    expect(term.shape).toEqual([1, 300, 300]);
  });

  it("Shaw terms equal the per-pair formulas e_ij ∝ q_i·a^K_ij and Σ_j α_ij a^V_ij", () => {
    withFloat64(() => {
      const rng = new Rng(33);
      const d = 3;
      const shaw = new ShawRelativePositions(d, 1, rng);
      const [T, S] = [2, 4];
      const q = randn([1, T, d], rng);
      const alpha = randn([1, T, S], rng);
      const buckets = shaw.buckets(T, S);
      const bias = shaw.scoreBias(q, buckets, S);
      const value = shaw.valueTerm(alpha, buckets);
      for (let i = 0; i < T; i++) {
        const z = new Array<number>(d).fill(0);
        for (let j = 0; j < S; j++) {
          const r = Math.max(-1, Math.min(1, j - (S - T + i))) + 1;
          let e = 0;
          for (let c = 0; c < d; c++) {
            e += q.data[i * d + c]! * shaw.key.data[r * d + c]!;
            z[c]! += alpha.data[i * S + j]! * shaw.value.data[r * d + c]!;
          }
          expect(bias.data[i * S + j]).toBeCloseTo(e / Math.sqrt(d), 12);
        }
        for (let c = 0; c < d; c++) expect(value.data[i * d + c]).toBeCloseTo(z[c]!, 12);
      }
    });
  });
});

/** Self-attention on x [1, n, E] and on [z, x] with the prefix z masked as padding. */
function shiftedPair(m: MultiheadAttention, x: Tensor, rng: Rng): { plain: Tensor; shifted: Tensor; n: number } {
  const n = x.shape[1]!;
  const xs = concat([randn([1, 1, x.shape[2]!], rng), x], 1);
  const mask = new Uint8Array(n + 1);
  mask[0] = 1;
  return noGrad(() => ({ plain: m.forward(x, x, x).weights, shifted: m.forward(xs, xs, xs, { keyPaddingMask: mask }).weights, n }));
}

describe("relative positions in MultiheadAttention", () => {
  it("Shaw: parameters relative.key / relative.value [2k+1, d_head]; gradient check with masks", () => {
    gradCase(34, (rng) => {
      const m = new MultiheadAttention(4, 2, rng, { relative: { maxDistance: 2 } });
      expect(m.namedParameters().map(([n, t]) => [n, t.shape]).slice(-2)).toEqual([
        ["relative.key", [5, 2]],
        ["relative.value", [5, 2]],
      ]);
      const x = randn([2, 4, 4], rng);
      const opts = { keyPaddingMask: padMask([4, 3], 4), attnMask: causalMask(4) };
      expectGradOk(() => flatConcat(Object.values(m.forward(x, x, x, opts))), [x, ...m.parameters()]);
    });
  });

  it("T5-style bias: parameter relative_attention_bias.weight [2k+1, heads]; gradient check", () => {
    gradCase(35, (rng) => {
      const m = new MultiheadAttention(4, 2, rng, { relativeBias: { maxDistance: 1 } });
      const bias = new Map(m.namedParameters()).get("relative_attention_bias.weight")!;
      expect(bias.shape).toEqual([3, 2]);
      const x = randn([2, 3, 4], rng);
      expectGradOk(() => m.forward(x, x, x, { keyPaddingMask: padMask([3, 2], 3) }).output, [x, bias, m.inProjWeight!]);
    });
  });

  for (const [name, opts] of [
    ["Shaw", { relative: { maxDistance: 8 } }],
    ["T5-style bias", { relativeBias: { maxDistance: 8 } }],
  ] as const) {
    it(`${name}: translation-equivariant — shifting every position by one leaves the weights unchanged`, () => {
      withFloat64(() => {
        const rng = new Rng(36);
        const m = new MultiheadAttention(4, 2, rng, opts);
        for (const [n, p] of m.namedParameters()) if (n.startsWith("relative")) p.data.forEach((_, i) => (p.data[i] = Math.cos(3 * i)));
        const x = randn([1, 4, 4], rng);
        const { plain, shifted, n } = shiftedPair(m, x, rng);
        // weights' [h, i+1, j+1] = weights [h, i, j]: only j − i matters.
        for (let h = 0; h < 2; h++) {
          const a = slice(slice(shifted, 1, h, h + 1), 2, 1, n + 1);
          expect(maxAbsDiff(slice(a, 3, 1, n + 1).data, slice(plain, 1, h, h + 1).data)).toBeLessThan(1e-12);
        }
        // Absolute positions (the same x with learned positions added) are not equivariant.
        const pe = new LearnedPositions(6, 4, rng);
        const plain2 = noGrad(() => m.forward(pe.forward(x), pe.forward(x), pe.forward(x)).weights);
        const xs = pe.forward(concat([randn([1, 1, 4], rng), x], 1));
        const shifted2 = noGrad(() => m.forward(xs, xs, xs, { keyPaddingMask: Uint8Array.from([1, 0, 0, 0, 0]) }).weights);
        const b = slice(slice(slice(shifted2, 1, 0, 1), 2, 1, n + 1), 3, 1, n + 1);
        expect(maxAbsDiff(b.data, slice(plain2, 1, 0, 1).data)).toBeGreaterThan(1e-3);
      });
    });
  }
});
