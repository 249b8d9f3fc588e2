/**
 * Rotary (Su et al. 2021), ALiBi (Press et al. 2022), T5 buckets (Raffel et al. 2020) and the
 * adaptive span (Sukhbaatar et al. 2019) inside MultiheadAttention: float64 references written
 * from the papers' equations (PyTorch has none of them), gradient checks, translation
 * equivariance, and cached decoding equal to the full causal forward.
 */
import { describe, expect, it } from "vitest";
import { MultiheadAttention, type MultiheadAttentionOptions } from "../../src/attention/multihead.js";
import { causalMask } from "../../src/attention/scaledDotProduct.js";
import { noGrad } from "../../src/autograd/tape.js";
import { TransformerDecoder } from "../../src/models/transformer/layers/decoder.js";
import type { TransformerLayerOptions } from "../../src/models/transformer/layers/options.js";
import { alibiSlopes } from "../../src/nn/positions/alibi.js";
import { RelativeBias } from "../../src/nn/positions/relativeBias.js";
import { t5Buckets } from "../../src/nn/positions/t5Buckets.js";
import { concat, rotary, slice, spanMask } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { flatConcat } from "../nn/helpers.js";
import { expectGradOk, gradCase, randn, randUniform } from "../helpers/tensors.js";
import { maxAbsDiff, padMask } from "./helpers.js";

/** RoFormer eq. 34: R^d_{Θ,m} x, pairs (x_{2i}, x_{2i+1}) turned by m·θ_i, θ_i = 10000^{−2i/d}. */
function rotateReference(x: readonly number[], m: number): number[] {
  const d = x.length;
  const out = [...x];
  for (let i = 0; i < d / 2; i++) {
    const angle = m * Math.pow(10000, (-2 * i) / d);
    out[2 * i] = x[2 * i]! * Math.cos(angle) - x[2 * i + 1]! * Math.sin(angle);
    out[2 * i + 1] = x[2 * i]! * Math.sin(angle) + x[2 * i + 1]! * Math.cos(angle);
  }
  return out;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * The weights [B, H, T, T] of self-attention over x [B, T, E] computed from the paper equations
 * in float64: q, k from in_proj_weight/in_proj_bias, per head optionally rotated (RoFormer eq. 34)
 * and/or biased by −m_h·|i − j| (ALiBi), scaled dot product, masked softmax.
 */
function referenceWeights(m: MultiheadAttention, x: Tensor, o: { rotary?: boolean; alibi?: boolean; causal?: boolean }): number[] {
  const [B, T, E] = x.shape as [number, number, number];
  const H = m.numHeads;
  const d = E / H;
  const W = m.inProjWeight!.data;
  const bias = m.inProjBias!.data;
  const project = (b: number, t: number, part: number) =>
    Array.from({ length: E }, (_, r) => bias[part * E + r]! + dot(Array.from(x.data.subarray((b * T + t) * E, (b * T + t + 1) * E)), Array.from(W.subarray((part * E + r) * E, (part * E + r + 1) * E))));
  const slopes = alibiSlopes(H);
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const qs = Array.from({ length: T }, (_, t) => project(b, t, 0));
    const ks = Array.from({ length: T }, (_, t) => project(b, t, 1));
    for (let h = 0; h < H; h++) {
      const head = (v: number[], pos: number) => {
        const part = v.slice(h * d, (h + 1) * d);
        return o.rotary ? rotateReference(part, pos) : part;
      };
      for (let i = 0; i < T; i++) {
        const scores = Array.from({ length: T }, (_, j) => dot(head(qs[i]!, i), head(ks[j]!, j)) / Math.sqrt(d) - (o.alibi ? slopes[h]! * Math.abs(i - j) : 0));
        const allowed = scores.map((_, j) => !o.causal || j <= i);
        const max = Math.max(...scores.filter((_, j) => allowed[j]));
        const e = scores.map((s, j) => (allowed[j] ? Math.exp(s - max) : 0));
        const z = e.reduce((a, v) => a + v, 0);
        out.push(...e.map((v) => v / z));
      }
    }
  }
  return out;
}

/** Random in_proj_bias too, so the reference covers it. */
function attention(rng: Rng, opts: MultiheadAttentionOptions, E = 8, H = 2): MultiheadAttention {
  const m = new MultiheadAttention(E, H, rng, opts);
  m.inProjBias!.data.set(randn([3 * E], rng, 0.3).data);
  return m;
}

describe("rotary positions (Su et al. 2021)", () => {
  it("rotates each head's feature pairs as RoFormer eq. 34, from any first position, leaving extra features alone", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      const x = randn([2, 3, 10], rng); // two heads of 4, then 2 features not rotated
      const y = rotary(x, 4, 5, 8);
      for (let n = 0; n < 2; n++) {
        for (let t = 0; t < 3; t++) {
          const row = Array.from(x.data.subarray((n * 3 + t) * 10, (n * 3 + t + 1) * 10));
          const expected = [...rotateReference(row.slice(0, 4), 5 + t), ...rotateReference(row.slice(4, 8), 5 + t), ...row.slice(8)];
          expect(maxAbsDiff(y.data.subarray((n * 3 + t) * 10, (n * 3 + t + 1) * 10), expected)).toBeLessThan(1e-12);
        }
      }
    });
  });

  it("⟨R_m q, R_n k⟩ depends on the positions only through m − n (eq. 16)", () => {
    withFloat64(() => {
      const rng = new Rng(2);
      const q = randn([1, 1, 6], rng);
      const k = randn([1, 1, 6], rng);
      const score = (m: number, n: number) => dot(Array.from(rotary(q, 6, m).data), Array.from(rotary(k, 6, n).data));
      expect(score(7, 3)).toBeCloseTo(score(4, 0), 12);
      expect(score(1003, 999)).toBeCloseTo(score(4, 0), 9);
      expect(Math.abs(score(7, 3) - score(7, 4))).toBeGreaterThan(1e-6);
    });
  });

  it("passes a gradient check (the backward is the opposite rotation)", () => {
    gradCase(3, (rng) => {
      const x = randn([2, 3, 6], rng);
      expectGradOk(() => rotary(x, 2, 4, 4), [x]);
    });
  });

  it("refuses odd head sizes", () => {
    expect(() => rotary(randn([1, 2, 6], new Rng(1)), 3)).toThrow(/must be even/);
    expect(() => new MultiheadAttention(6, 2, new Rng(1), { rotary: true })).toThrow(/head size 3 must be even/);
  });

  it("self-attention weights equal the float64 reference softmax((R_i q_i)·(R_j k_j)/√d), causal and not", () => {
    withFloat64(() => {
      const rng = new Rng(4);
      const m = attention(rng, { rotary: true });
      const x = randn([2, 5, 8], rng);
      noGrad(() => {
        expect(maxAbsDiff(m.forward(x, x, x).weights.data, referenceWeights(m, x, { rotary: true }))).toBeLessThan(1e-12);
        expect(maxAbsDiff(m.forward(x, x, x, { attnMask: causalMask(5) }).weights.data, referenceWeights(m, x, { rotary: true, causal: true }))).toBeLessThan(1e-12);
      });
    });
  });
});

describe("ALiBi (Press et al. 2022)", () => {
  it("head slopes: the geometric sequence 2^{−8h/H}, and the paper's rule for head counts that are not powers of 2", () => {
    expect(Array.from(alibiSlopes(8))).toEqual([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]);
    expect(Array.from(alibiSlopes(2))).toEqual([2 ** -4, 2 ** -8]);
    // 12 heads: the 8 slopes of 8 heads, then every other slope of 16 heads (2^{−0.5}, 2^{−1.5}, …).
    const twelve = [1, 2, 3, 4, 5, 6, 7, 8].map((h) => 2 ** -h).concat([0.5, 1.5, 2.5, 3.5].map((e) => 2 ** -e));
    expect(maxAbsDiff(alibiSlopes(12), twelve)).toBeLessThan(1e-15);
    const six = [2, 4, 6, 8].map((e) => 2 ** -e).concat([1, 3].map((e) => 2 ** -e));
    expect(maxAbsDiff(alibiSlopes(6), six)).toBeLessThan(1e-15);
  });

  it("self-attention weights equal the float64 reference softmax(q·k/√d − m_h·|i − j|), causal and not", () => {
    withFloat64(() => {
      const rng = new Rng(5);
      const m = attention(rng, { alibi: true }, 12, 3);
      expect(m.parameters().length).toBe(4); // no parameters of its own
      const x = randn([2, 6, 12], rng);
      noGrad(() => {
        expect(maxAbsDiff(m.forward(x, x, x).weights.data, referenceWeights(m, x, { alibi: true }))).toBeLessThan(1e-12);
        expect(maxAbsDiff(m.forward(x, x, x, { attnMask: causalMask(6) }).weights.data, referenceWeights(m, x, { alibi: true, causal: true }))).toBeLessThan(1e-12);
      });
    });
  });
});

/** T5's `_relative_position_bucket` as the reference implementations compute it, in float32 like torch. */
function t5Reference(n: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = numBuckets;
  let out = 0;
  let d: number;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2);
    if (n > 0) out += buckets;
    d = Math.abs(n);
  } else {
    d = -Math.min(n, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (d < maxExact) return out + d;
  const f = Math.fround;
  const large = maxExact + Math.trunc(f(f(f(Math.log(f(d / maxExact))) / f(Math.log(maxDistance / maxExact))) * (buckets - maxExact)));
  return out + Math.min(large, buckets - 1);
}

describe("T5 relative buckets (Raffel et al. 2020)", () => {
  it("match T5's bucket function, bidirectional and not, over distances −300 … 300", () => {
    for (const [numBuckets, maxDistance] of [[32, 128], [8, 20], [6, 10]] as const) {
      for (const bidirectional of [true, false]) {
        const got = t5Buckets(1, 601, numBuckets, maxDistance, bidirectional, 300); // key j − query 300 = −300 … 300
        const want = Array.from({ length: 601 }, (_, j) => t5Reference(j - 300, bidirectional, numBuckets, maxDistance));
        expect(Array.from(got)).toEqual(want);
      }
    }
    // A few by hand (32 buckets, max distance 128): exact below 8 (bidirectional) / 16, then logarithmic.
    const at = (n: number, bi: boolean) => t5Buckets(1, 1, 32, 128, bi, -n)[0];
    expect([at(-1, true), at(1, true), at(-7, true), at(-8, true), at(-200, true), at(200, true)]).toEqual([1, 17, 7, 8, 15, 31]);
    expect([at(3, false), at(-15, false), at(-16, false), at(-500, false)]).toEqual([0, 15, 16, 31]);
  });

  it("RelativeBias with T5 buckets: weight [numBuckets, heads], bias weight[bucket(i, j), h]; gradient check", () => {
    gradCase(6, (rng) => {
      const rb = new RelativeBias(2, 10, { numBuckets: 8, bidirectional: true });
      expect(rb.weight.shape).toEqual([8, 2]);
      rb.weight.data.set(randn([16], rng).data);
      const b = rb.forward(1, 3, 12, 9);
      const buckets = t5Buckets(3, 12, 8, 10, true, 9);
      for (let h = 0; h < 2; h++) for (let p = 0; p < 36; p++) expect(b.data[h * 36 + p]).toBe(rb.weight.data[buckets[p]! * 2 + h]);
      const m = new MultiheadAttention(4, 2, rng, { relativeBias: { maxDistance: 10, t5: { numBuckets: 8, bidirectional: false } } });
      const bias = new Map(m.namedParameters()).get("relative_attention_bias.weight")!;
      bias.data.set(randn([16], rng).data);
      const x = randn([2, 3, 4], rng);
      expectGradOk(() => m.forward(x, x, x, { keyPaddingMask: padMask([3, 2], 3), attnMask: causalMask(3) }).output, [x, bias, m.inProjWeight!]);
    });
  });
});

/** The span mask of Sukhbaatar et al. 2019 eq. 3 with z scaled by L, applied and renormalised in float64. */
function spanReference(w: readonly number[], T: number, S: number, heads: number, z: readonly number[], L: number, R: number, queryStart: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < w.length / S; r++) {
    const h = Math.floor(r / T) % heads;
    const i = queryStart + (r % T);
    const masked = Array.from({ length: S }, (_, j) => w[r * S + j]! * Math.min(1, Math.max(0, (R + z[h]! * L - Math.abs(i - j)) / R)));
    const s = masked.reduce((a, v) => a + v, 0);
    out.push(...masked.map((v) => (s > 0 ? v / s : 0)));
  }
  return out;
}

describe("adaptive span (Sukhbaatar et al. 2019)", () => {
  it("the mask m(x) = clamp((R + zL − x)/R, 0, 1) multiplies the weights, which are renormalised", () => {
    withFloat64(() => {
      const rng = new Rng(7);
      const [H, T, S] = [2, 3, 7];
      const w = randUniform([2 * H, T, S], rng, 0, 1);
      const z = [0.23, 0.61];
      const y = spanMask(w, Tensor.from(z, [H]), { heads: H, rowsPerHead: T, queryStart: 4, maxSpan: 5, ramp: 2 });
      expect(maxAbsDiff(y.data, spanReference(Array.from(w.data), T, S, H, z, 5, 2, 4))).toBeLessThan(1e-12);
      // Rows sum to 1, and weight beyond the span R + zL is exactly 0.
      for (let r = 0; r < 2 * H * T; r++) expect(Array.from(y.data.subarray(r * S, (r + 1) * S)).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      expect(y.data[0 * S + 0]).toBe(0); // head 0, query 4, key 0: x = 4 ≥ R + zL = 3.15
    });
  });

  it("passes a gradient check in the weights and in z (off the ramp's kinks); a row with nothing left stays 0", () => {
    gradCase(8, (rng) => {
      const w = randUniform([4, 2, 6], rng, 0.1, 1);
      const z = Tensor.from([0.37, 0.71], [2]);
      expectGradOk(() => spanMask(w, z, { heads: 2, rowsPerHead: 2, queryStart: 3, maxSpan: 5, ramp: 2 }), [w, z]);
      const far = randUniform([1, 1, 6], rng, 0.1, 1);
      far.data.fill(0, 3); // weight only on keys 0…2, the query at 5 reaches back 2 + 0·L
      const y = spanMask(far, Tensor.from([0], [1]), { heads: 1, rowsPerHead: 1, queryStart: 5, maxSpan: 5, ramp: 2 });
      expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });

  it("in MultiheadAttention: parameter adaptive_span.current_val [heads]; the weights are the masked, renormalised ones; gradient check incl. z", () => {
    gradCase(9, (rng) => {
      const opts = { maxSpan: 4, ramp: 2, lossWeight: 0.1, init: 0.5 };
      const m = new MultiheadAttention(4, 2, new Rng(10), { adaptiveSpan: opts });
      const plain = new MultiheadAttention(4, 2, new Rng(10));
      expect(m.namedParameters().map(([n, t]) => [n, t.shape]).slice(-1)).toEqual([["adaptive_span.current_val", [2]]]);
      const z = m.adaptiveSpan!.z;
      z.data.set([0.3, 0.55]);
      const x = randn([2, 6, 4], rng);
      const w = noGrad(() => m.forward(x, x, x).weights);
      const ref = noGrad(() => plain.forward(x, x, x).weights);
      expect(maxAbsDiff(w.data, spanReference(Array.from(ref.data), 6, 6, 2, [0.3, 0.55], 4, 2, 0))).toBeLessThan(1e-12);
      const mask = { keyPaddingMask: padMask([6, 4], 6), attnMask: causalMask(6) };
      expectGradOk(() => flatConcat(Object.values(m.forward(x, x, x, mask))), [x, z, m.inProjWeight!]);
      // The span loss λ·L·mean z and its gradient λ·L/H per head.
      const loss = m.adaptiveSpan!.loss();
      expect(loss.item()).toBeCloseTo(0.1 * 4 * (0.3 + 0.55) / 2, 12);
      expectGradOk(() => m.adaptiveSpan!.loss(), [z]);
      z.data.set([-0.2, 1.3]);
      m.adaptiveSpan!.clamp();
      expect(Array.from(z.data)).toEqual([0, 1]);
    });
  });
});

describe("positions inside attention: gradient checks with padding and the causal mask", () => {
  const cases: [string, MultiheadAttentionOptions][] = [
    ["rotary", { rotary: true }],
    ["alibi", { alibi: true }],
    ["rotary + adaptive span", { rotary: true, adaptiveSpan: { maxSpan: 3, ramp: 1, lossWeight: 0, init: 0.4 } }],
  ];
  for (const [name, opts] of cases) {
    it(name, () => {
      gradCase(11, (rng) => {
        const m = new MultiheadAttention(4, 2, rng, opts);
        const x = randn([2, 4, 4], rng);
        const mask = { keyPaddingMask: padMask([4, 3], 4), attnMask: causalMask(4) };
        expectGradOk(() => flatConcat(Object.values(m.forward(x, x, x, mask))), [x, ...m.parameters()]);
      });
    });
  }
});

/** Self-attention on x [1, n, E] and on [z, x] with the prefix z masked as padding. */
function shifted(m: MultiheadAttention, x: Tensor, rng: Rng): { plain: Tensor; moved: Tensor } {
  const xs = concat([randn([1, 1, x.shape[2]!], rng), x], 1);
  const mask = new Uint8Array(x.shape[1]! + 1);
  mask[0] = 1;
  return noGrad(() => ({ plain: m.forward(x, x, x).weights, moved: m.forward(xs, xs, xs, { keyPaddingMask: mask }).weights }));
}

describe("relative by construction, no length limit", () => {
  const cases: [string, MultiheadAttentionOptions][] = [
    ["rotary", { rotary: true }],
    ["alibi", { alibi: true }],
    ["t5", { relativeBias: { maxDistance: 20, t5: { numBuckets: 8, bidirectional: true } } }],
    ["adaptive span", { adaptiveSpan: { maxSpan: 3, ramp: 2, lossWeight: 0, init: 0.5 } }],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: shifting every position by one leaves the weights unchanged; 400 positions work`, () => {
      withFloat64(() => {
        const rng = new Rng(12);
        const m = new MultiheadAttention(4, 2, rng, opts);
        for (const [n, p] of m.namedParameters()) if (n.startsWith("relative_attention_bias")) p.data.forEach((_, i) => (p.data[i] = Math.cos(3 * i)));
        const x = randn([1, 5, 4], rng);
        const { plain, moved } = shifted(m, x, rng);
        for (let h = 0; h < 2; h++) {
          const a = slice(slice(slice(moved, 1, h, h + 1), 2, 1, 6), 3, 1, 6);
          expect(maxAbsDiff(a.data, slice(plain, 1, h, h + 1).data)).toBeLessThan(1e-12);
        }
        const long = randn([1, 400, 4], rng);
        const w = noGrad(() => m.forward(long, long, long, { attnMask: causalMask(400) }).weights);
        expect(w.data.every((v) => Number.isFinite(v))).toBe(true);
      });
    });
  }
});

const [B, T, S, E] = [2, 6, 4, 4];

describe("cached incremental decoding equals the full causal forward", () => {
  const cases: [string, TransformerLayerOptions][] = [
    ["rotary", { rotary: true }],
    ["alibi", { alibi: true, normFirst: true }],
    ["t5 buckets (made unidirectional by the decoder)", { relativeBias: { maxDistance: 5, t5: { numBuckets: 6, bidirectional: true } } }],
    ["adaptive span", { adaptiveSpan: { maxSpan: 3, ramp: 1, lossWeight: 0, init: 0.3 } }],
    ["rotary + adaptive span, sparsemax over the top 2", { rotary: true, adaptiveSpan: { maxSpan: 4, ramp: 2, lossWeight: 0, init: 0.4 }, attention: { normalizer: "sparsemax", topK: 2 } }],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: float64 to 1e-9, one position per step and two`, () => {
      withFloat64(() => {
        const rng = new Rng(21);
        const dec = TransformerDecoder.create(2, E, 2, 6, rng, { dropout: 0, ...opts }).eval();
        for (const [n, p] of dec.namedParameters()) if (n.includes("relative_attention_bias")) p.data.forEach((_, i) => (p.data[i] = Math.sin(i)));
        if (opts.relativeBias) expect(dec.layers.get(0).selfAttn.relativeBias!.t5!.bidirectional).toBe(false);
        const tgt = randn([B, T, E], rng);
        const memory = randn([B, S, E], rng);
        const memoryKeyPaddingMask = padMask([4, 2], S);
        noGrad(() => {
          const full = dec.forward(tgt, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask });
          for (const chunk of [1, 2]) {
            let state = dec.initialState(memory, 3);
            const outs: Tensor[] = [];
            const self: Tensor[] = [];
            for (let t = 0; t < T; t += chunk) {
              const r = dec.step(slice(tgt, 1, t, t + chunk), state, { memoryKeyPaddingMask });
              state = r.state;
              outs.push(r.output);
              self.push(r.selfWeights[1]!);
            }
            expect(maxAbsDiff(concat(outs, 1).data, full.output.data)).toBeLessThan(1e-9);
            // The last step's self-attention row equals the full forward's last row.
            const last = self[self.length - 1]!;
            const fullLast = slice(full.selfWeights[1]!, 2, T - chunk, T);
            expect(maxAbsDiff(last.data, fullLast.data)).toBeLessThan(1e-9);
          }
        });
      });
    });
  }
});
