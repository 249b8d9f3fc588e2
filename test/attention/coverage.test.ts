import { describe, expect, it } from "vitest";
import { sharedKeyAdditiveEnergies } from "../../src/attention/additive.js";
import { additiveWithCoverage, CoverageProjection } from "../../src/attention/coverage.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randn, randUniform } from "../helpers/tensors.js";
import { makeAttention, maskFromLengths } from "./helpers.js";
import { add, concat, reshape } from "../../src/ops/index.js";
import { createScore, composeAttention } from "../../src/attention/registry.js";

/**
 * Additive energies with a coverage term (See et al. 2017 eq. 11),
 * e[r, s] = Σ_a v_a tanh(K[⌊r/G⌋, s, a] + Q[r, a] + c[r, s] w_a): the formula, finite-difference
 * gradients for all five inputs, zero coverage giving the plain energies, and an attention with
 * coverage over several decoder steps.
 */
const B = 2;
const S = 3;
const A = 4;

function projection(w: Tensor): CoverageProjection {
  const p = new CoverageProjection(A, new Rng(1));
  p.weight.data.set(w.data);
  return p;
}

describe("additive energies with coverage", () => {
  it("compute vᵀtanh(K + Q + c·w) with G query rows per sentence", () => {
    gradCase(1, (rng) => {
      const G = 2;
      const K = randn([B, S, A], rng);
      const Q = randn([B * G, A], rng);
      const v = randn([A], rng);
      const c = randUniform([B * G, S], rng, 0, 2);
      const w = randn([A, 1], rng);
      const e = additiveWithCoverage(K, Q, v, projection(w), c);
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
        const proj = projection(randn([A, 1], rng));
        expectGradOk(() => additiveWithCoverage(K, Q, v, proj, c), [K, Q, v, c, proj.weight]);
      });
    }
  });

  it("zero coverage gives the plain additive energies; no coverage (null) runs the plain kernel", () => {
    const rng = new Rng(5);
    const K = randn([B, S, A], rng);
    const Q = randn([B * 2, A], rng);
    const v = randn([A], rng);
    const proj = projection(randn([A, 1], rng));
    const plain = sharedKeyAdditiveEnergies(K, Q, v);
    const zero = additiveWithCoverage(K, Q, v, proj, Tensor.zeros([B * 2, S]));
    zero.data.forEach((x, i) => expect(Math.abs(x - plain.data[i]!)).toBeLessThan(1e-6));
    expect(Array.from(additiveWithCoverage(K, Q, v, proj, null).data)).toEqual(Array.from(plain.data));
  });
});

describe("an attention with coverage over three decoder steps (float64)", () => {
  for (const kind of ["additive", "concat"]) {
    it(`${kind}: gradients through the accumulated coverage c_t = Σ a_t' reach the query, the keys and every parameter`, () => {
      gradCase(7, (rng) => {
        const lengths = [3, 2];
        const attn = composeAttention(createScore(kind, 3, 4, { size: 5, rank: 2, coverage: true }, new Rng(8)), { queryDim: 3, keyDim: 4, spec: { scope: "global", window: 1, size: 5, normalizer: "softmax" }, rng: new Rng(9) });
        expect(attn.namedParameters().map(([n]) => n)).toContain("score.coverage_proj.weight");
        const keys = randn([B, S, 4], rng);
        const queries = [randn([B, 3], rng), randn([B, 3], rng), randn([B, 3], rng)];
        expectGradOk(() => {
          const memory = attn.prepare(keys, maskFromLengths(lengths, S), Int32Array.from(lengths));
          let coverage: Tensor | null = null;
          let out: Tensor | null = null;
          queries.forEach((q, t) => {
            const r = attn.attend(q, memory, t, { coverage });
            coverage = coverage ? add(coverage, r.weights) : r.weights;
            out = out ? add(out, r.context) : r.context;
          });
          // Every step's context and the final coverage, so later weights (read through c_t) count too.
          return concat([reshape(out!, [B * 4]), reshape(coverage!, [B * S])], 0);
        }, [keys, ...queries, ...attn.parameters()]);
      });
    });
  }

  it("a score built without coverage refuses a coverage vector", () => {
    const attn = makeAttention("additive", "global", 3, 4, 1);
    const memory = attn.prepare(Tensor.zeros([1, 2, 4]), new Uint8Array(2), Int32Array.from([2]));
    expect(() => attn.attend(Tensor.zeros([1, 3]), memory, 0, { coverage: Tensor.zeros([1, 2]) })).toThrow(/built without coverage/);
    expect(() => createScore("dot", 4, 4, { size: 5, rank: 2, coverage: true }, new Rng(1))).toThrow(/takes no coverage term/);
  });
});
