import { describe, expect, it } from "vitest";
import { copyLogProbs, rowsOfSentences, slice } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn, randUniform } from "../helpers/tensors.js";

/**
 * The pointer-generator mixture (See et al. 2017 eq. 9) in log space: against the formula
 * evaluated directly in float64, finite-difference gradients for logits, the p_gen gate and the
 * attention weights, and the extremes where the direct formula takes log 0.
 */

const V = 6;
// Two sentences of S = 4: sentence 0 copies vocabulary word 4 twice and extended word 6; sentence
// 1 has extended words 6 and 7 and a padding position (−1). Extended vocabulary: V + 2 = 8.
const IDS = Int32Array.from([4, 6, 4, 2, 7, 5, 6, -1]);
const S = 4;
const EXT = 8;

/** log(σ(z)·softmax(l)_w + (1 − σ(z))·Σ_{j: ids_j = w} a_j), computed the obvious way. */
function direct(logits: number[], z: number, weights: number[], ids: ArrayLike<number>, w: number): number {
  const max = Math.max(...logits);
  const denom = logits.reduce((s, l) => s + Math.exp(l - max), 0);
  const p = 1 / (1 + Math.exp(-z));
  const pv = w < logits.length ? Math.exp(logits[w]! - max) / denom : 0;
  let c = 0;
  for (let j = 0; j < weights.length; j++) if (ids[j] === w) c += weights[j]!;
  return Math.log(p * pv + (1 - p) * c);
}

describe("copyLogProbs", () => {
  it("equals the mixture computed directly, rows reading their sentence (G = 2)", () => {
    gradCase(1, (rng) => {
      const N = 4;
      const logits = randn([N, V], rng, 2);
      const gate = randn([N, 1], rng);
      const weights = randUniform([N, S], rng, 0.05, 1);
      const out = copyLogProbs(logits, gate, weights, IDS, rowsOfSentences(N, 2), EXT);
      expect(out.shape).toEqual([N, EXT]);
      for (let r = 0; r < N; r++) {
        const b = Math.floor(r / 2);
        const ids = IDS.subarray(b * S, b * S + S);
        const l = Array.from(logits.data.subarray(r * V, r * V + V));
        const a = Array.from(weights.data.subarray(r * S, r * S + S));
        for (let w = 0; w < EXT; w++) {
          const want = direct(l, gate.data[r]!, a, ids, w);
          const got = out.data[r * EXT + w]!;
          if (want === -Infinity) expect(got).toBe(-Infinity);
          else expect(Math.abs(got - want)).toBeLessThan(1e-12);
        }
      }
      // Sentence 0 has no word 7: rows 0 and 1 cannot produce it. Each row is a distribution.
      expect(out.data[0 * EXT + 7]).toBe(-Infinity);
      for (let r = 0; r < N; r++) {
        let total = 0;
        for (let w = 0; w < EXT; w++) total += Math.exp(out.data[r * EXT + w]!);
        expect(Math.abs(total - Σweights(weights, r, IDS.subarray(Math.floor(r / 2) * S), gate.data[r]!))).toBeLessThan(1e-12);
      }
    });
  });

  it("gradients for logits, the p_gen gate and the weights agree with finite differences (float64)", () => {
    gradCase(2, (rng) => {
      const N = 4;
      const logits = randn([N, V], rng, 1.5);
      const gate = randn([N], rng, 1.5);
      const weights = randUniform([N, S], rng, 0.05, 1);
      // Every row on sentence 1, which reaches every extended word.
      expectGradOk(() => copyLogProbs(logits, gate, weights, IDS.subarray(S), new Int32Array(N), EXT), [logits, gate, weights]);
      // Both sentences (G = 2); sentence 0 lacks word 7, whose −∞ has no derivative: check columns 0..6.
      expectGradOk(() => slice(copyLogProbs(logits, gate, weights, IDS, rowsOfSentences(N, 2), EXT), 1, 0, EXT - 1), [logits, gate, weights]);
    });
  });

  it("the −∞ of an unreachable word gets no gradient; padding positions (id −1) neither count nor get one", () => {
    gradCase(3, (rng) => {
      const logits = randn([1, V], rng);
      const gate = Tensor.from([0.3], [1]);
      const weights = Tensor.from([0.2, 0.3, 0.4, 0.1], [1, S]);
      for (const t of [logits, gate, weights]) t.requiresGrad = true;
      const out = copyLogProbs(logits, gate, weights, IDS.subarray(S), Int32Array.from([0]), EXT + 1);
      expect(out.data[EXT]).toBe(-Infinity);
      const g = new Float64Array(EXT + 1).fill(0);
      g[EXT] = 1;
      out.backward(g);
      expect(Array.from(logits.grad!).every((x) => x === 0)).toBe(true);
      expect(gate.grad![0]).toBe(0);
      expect(Array.from(weights.grad!)).toEqual([0, 0, 0, 0]);
    });
  });

  it("stays finite where the direct formula takes log 0: p_gen rounds to 1 or 0, logits of ±1000", () => {
    gradCase(4, () => {
      const logits = Tensor.from([1000, -1000, 0, 0, 0, 0], [1, V]);
      const weights = Tensor.from([0.5, 0.25, 0.25, 0], [1, S]);
      const ids = Int32Array.from([4, 6, 4, 2]);
      // z = 800: σ(z) = 1 in float64, so the direct copy term (1 − p)·C is 0 and word 6 would be log 0.
      const high = copyLogProbs(logits, Tensor.from([800], [1]), weights, ids, Int32Array.from([0]), 7);
      expect(high.data[6]).toBeCloseTo(-800 + Math.log(0.25), 9);
      // z = −800: p_gen = e^−800 underflows, yet the vocabulary-only word 1 keeps log p + log P_vocab.
      const low = copyLogProbs(logits, Tensor.from([-800], [1]), weights, ids, Int32Array.from([0]), 7);
      expect(low.data[1]).toBeCloseTo(-800 - 2000, 6);
      expect(low.data[4]).toBeCloseTo(Math.log(0.75), 12);
      for (const x of [...high.data, ...low.data]) expect(Number.isNaN(x)).toBe(false);
    });
  });
});

/** Σ_w P(w) of a row: p·1 + (1 − p)·Σ_j a_j over the non-padding positions. */
function Σweights(weights: Tensor, r: number, ids: ArrayLike<number>, z: number): number {
  const p = 1 / (1 + Math.exp(-z));
  let a = 0;
  for (let j = 0; j < S; j++) if (ids[j]! >= 0) a += weights.data[r * S + j]!;
  return p + (1 - p) * a;
}
