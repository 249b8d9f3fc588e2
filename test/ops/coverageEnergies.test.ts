import { describe, expect, it } from "vitest";
import { sharedKeyAdditiveEnergies } from "../../src/attention/additive.js";
import { jsKernels } from "../../src/kernels/js/index.js";
import { withKernels } from "../../src/kernels/index.js";
import { coverageEnergies } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn, randUniform } from "../helpers/tensors.js";

/**
 * Additive energies with a coverage term (See et al. 2017 eq. 11),
 * e[r, s] = Σ_a v_a tanh(K[⌊r/G⌋, s, a] + Q[r, a] + c[r, s] w_a): the formula, finite-difference
 * gradients for all five inputs, and zero coverage giving the plain additive energies.
 */
describe("coverageEnergies", () => {
  const B = 2;
  const S = 3;
  const A = 4;

  it("computes vᵀtanh(K + Q + c·w) with G query rows per sentence", () => {
    gradCase(1, (rng) => {
      const G = 2;
      const K = randn([B, S, A], rng);
      const Q = randn([B * G, A], rng);
      const v = randn([A], rng);
      const c = randUniform([B * G, S], rng, 0, 2);
      const w = randn([A, 1], rng);
      const e = coverageEnergies(K, Q, v, c, w);
      expect(e.shape).toEqual([B * G, S]);
      for (let r = 0; r < B * G; r++) {
        for (let s = 0; s < S; s++) {
          let want = 0;
          for (let a = 0; a < A; a++) want += v.data[a]! * Math.tanh(K.data[(Math.floor(r / G) * S + s) * A + a]! + Q.data[r * A + a]! + c.data[r * S + s]! * w.data[a]!);
          expect(Math.abs(e.data[r * S + s]! - want)).toBeLessThan(1e-14);
        }
      }
    });
  });

  it("gradients for keys, queries, v, coverage and w_c agree with finite differences (float64, G = 1 and 3)", () => {
    for (const G of [1, 3]) {
      gradCase(2 + G, (rng) => {
        const K = randn([B, S, A], rng);
        const Q = randn([B * G, A], rng);
        const v = randn([A], rng);
        const c = randUniform([B * G, S], rng, 0, 2);
        const w = randn([A, 1], rng);
        expectGradOk(() => coverageEnergies(K, Q, v, c, w), [K, Q, v, c, w]);
      });
    }
  });

  it("with zero coverage equals the additive energies bit for bit (reference kernels)", () => {
    withKernels(jsKernels, () => {
      const rng = new Rng(5);
      const K = randn([B, S, A], rng);
      const Q = randn([B * 2, A], rng);
      const v = randn([A], rng);
      const w = randn([A, 1], rng);
      const plain = sharedKeyAdditiveEnergies(K, Q, v);
      const zero = coverageEnergies(K, Q, v, Tensor.zeros([B * 2, S]), w);
      expect(Array.from(zero.data)).toEqual(Array.from(plain.data));
    });
  });
});
