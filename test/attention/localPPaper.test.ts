/**
 * local-p exactly as Luong et al. 2015 eq. 10 (`localP: "paper"`): the Gaussian multiplies the
 * normalised weights, a_t(s) = align(h_t, h̄_s)·exp(−(s − p_t)²/2σ²), so rows sum to less than 1;
 * checked against a float64 reference from the equations and by finite differences, beside the
 * default form (the Gaussian inside the normaliser).
 */
import { describe, expect, it } from "vitest";
import type { Attention } from "../../src/attention/attention.js";
import { composeAttention, createScore } from "../../src/attention/registry.js";
import type { NormalizerSpec } from "../../src/attention/spec.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, flatOutputs, gaussian, localPCentre, predictedPositions, runAttention } from "./helpers.js";

const S = 7;
const LENGTHS = [7, 5];
const D = 2;
const sigma = D / 2;

function localP(localP: string, seed: number, normalizer: NormalizerSpec = { normalizer: "softmax" }): Attention {
  const rng = new Rng(seed);
  const score = createScore("general", 3, 4, { size: 5, rank: 2 }, rng);
  return composeAttention(score, { queryDim: 3, keyDim: 4, spec: { scope: "local-p", window: D, size: 5, localP, ...normalizer }, rng });
}

/** A query whose predicted centres are all ≥ 0.05 from a rounding boundary (the window is a step function of round(p_t)). */
function smoothQuery(attn: Attention, rng: Rng): Tensor {
  for (;;) {
    const q = gaussian([2, 3], rng, 2);
    if (predictedPositions(attn, q, LENGTHS).every((p) => Math.abs(p - Math.floor(p) - 0.5) > 0.05)) return q;
  }
}

describe('local-p with localP "paper" (Luong et al. 2015 eq. 10)', () => {
  it("equals align(h_t, h̄_s)·exp(−(s − p_t)²/2σ²) with align the softmax over the window; the default renormalises", () => {
    withFloat64(() => {
      const paper = localP("paper", 3);
      const renormalised = localP("renormalised", 3);
      const rng = new Rng(4);
      for (let trial = 0; trial < 4; trial++) {
        const query = gaussian([2, 3], rng, 2);
        const keys = gaussian([2, S, 4], rng);
        const a = runAttention(paper, query, keys, LENGTHS, 0).weights;
        const r = runAttention(renormalised, query, keys, LENGTHS, 0).weights;
        const p = predictedPositions(paper, query, LENGTHS);
        const energies = paper.score.energies(query, paper.score.prepareKeys(keys)).data;
        LENGTHS.forEach((len, b) => {
          const c = localPCentre(p[b]!, len);
          const window = Array.from({ length: S }, (_, s) => s >= Math.max(0, c - D) && s <= Math.min(len - 1, c + D));
          const max = Math.max(...energies.subarray(b * S, b * S + S).filter((_, s) => window[s]));
          const e = Array.from({ length: S }, (_, s) => (window[s] ? Math.exp(energies[b * S + s]! - max) : 0));
          const z = e.reduce((x, y) => x + y, 0);
          const gauss = (s: number) => Math.exp(-((s - p[b]!) ** 2) / (2 * sigma * sigma));
          const paperRow = e.map((v, s) => (v / z) * gauss(s));
          const total = paperRow.reduce((x, y) => x + y, 0);
          for (let s = 0; s < S; s++) {
            expect(a.data[b * S + s]).toBeCloseTo(paperRow[s]!, 12);
            expect(r.data[b * S + s]).toBeCloseTo(paperRow[s]! / total, 12);
          }
          expect(total).toBeLessThan(1);
        });
      }
    });
  });

  it("passes a gradient check through the query, the keys, the score and the position predictor", () => {
    withFloat64(() => {
      const attn = localP("paper", 5);
      const rng = new Rng(6);
      const q = smoothQuery(attn, rng);
      const keys = gaussian([2, S, 4], rng);
      expectGradOk(() => flatOutputs(runAttention(attn, q, keys, LENGTHS, 0)), [q, keys, ...attn.parameters()]);
    });
  });

  it("composes with a sparse normaliser over the top 2 and a gradient check", () => {
    withFloat64(() => {
      const attn = localP("paper", 7, { normalizer: "sparsemax", topK: 2 });
      const rng = new Rng(8);
      const q = smoothQuery(attn, rng);
      const keys = gaussian([2, S, 4], rng);
      const w = runAttention(attn, q, keys, LENGTHS, 0).weights;
      for (let b = 0; b < 2; b++) expect(Array.from(w.data.subarray(b * S, b * S + S)).filter((v) => v > 0).length).toBeLessThanOrEqual(2);
      expectGradOk(() => flatOutputs(runAttention(attn, q, keys, LENGTHS, 0)), [q, keys, ...attn.parameters()]);
    });
  });

  it("an unknown form is refused", () => {
    expect(() => localP("inside", 1)).toThrow(/local-p form "inside"; expected one of renormalised \| paper/);
  });
});
