/**
 * Attention rollout (Abnar & Zuidema 2020) against a float64 reference written from the paper's
 * equations with its own loops and the opposite association order, and against a 2 × 2 example
 * worked by hand.
 */
import { describe, expect, it } from "vitest";
import type { AttentionMap } from "../../src/models/types.js";
import { crossRollout, headAverage, rollout, withResidual } from "../../src/workflows/serve/rollout.js";

/** A row-stochastic n × m matrix from a small LCG (softmax of uniform scores). */
function randomAttention(n: number, m: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const e = Array.from({ length: m }, () => Math.exp(4 * next()));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
}

/**
 * The paper's equations in Float64Arrays: Ā_l = (1/H) Σ_h A_l^h; Â_l = 0.5·Ā_l + 0.5·I with rows
 * renormalised; R = Â_L · Â_{L−1} ⋯ Â_1, multiplied here from the left end (Â_L · Â_{L−1}) first.
 */
function referenceRollout(layers: number[][][][]): Float64Array {
  const n = layers[0]![0]!.length;
  const hat = layers.map((heads) => {
    const a = new Float64Array(n * n);
    for (const h of heads) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j]! += h[i]![j]! / heads.length;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < n; j++) z += (a[i * n + j] = 0.5 * a[i * n + j]! + (i === j ? 0.5 : 0));
      for (let j = 0; j < n; j++) a[i * n + j]! /= z;
    }
    return a;
  });
  let r = hat[hat.length - 1]!;
  for (let l = hat.length - 2; l >= 0; l--) {
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) next[i * n + j]! += r[i * n + k]! * hat[l]![k * n + j]!;
    r = next;
  }
  return r;
}

const asMaps = (heads: number[][][]): AttentionMap[] => heads.map((weights, head) => ({ kind: "encoder-self", layer: 0, head, weights }));

describe("attention rollout", () => {
  it("equals the float64 reference for 3 layers × 4 heads over 6 tokens", () => {
    const layers = [0, 1, 2].map((l) => [0, 1, 2, 3].map((h) => randomAttention(6, 6, 100 * l + h + 1)));
    const got = rollout(layers.map((heads) => headAverage(asMaps(heads))));
    const want = referenceRollout(layers);
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i * 6 + j]!, 12)));
    // Still a distribution over the input tokens in every row.
    for (const row of got) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("matches a 2 × 2 example worked by hand", () => {
    // Â₁ = 0.5·[[0,1],[1,0]] + 0.5·I = [[.5,.5],[.5,.5]]; Â₂ = 0.5·I + 0.5·I = I; R = I·Â₁.
    expect(rollout([[[0, 1], [1, 0]], [[1, 0], [0, 1]]])).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    // One layer attending to token 0 only: Â = [[1, 0], [.5, .5]].
    expect(rollout([[[1, 0], [1, 0]]])).toEqual([[1, 0], [0.5, 0.5]]);
  });

  it("renormalises rows that do not sum to 1 (a cut or sparse row) after adding the residual", () => {
    expect(withResidual([[0.2, 0], [0, 0.6]])).toEqual([[1, 0], [0, 1]]);
    const r = withResidual([[0.5, 0.3, 0], [0, 0, 0], [0.1, 0.1, 0.2]]);
    for (const row of r) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r[1]).toEqual([0, 1, 0]);
  });

  it("head average is the element-wise mean; cross rollout composes with the encoder rollout", () => {
    expect(headAverage(asMaps([[[1, 0]], [[0, 1]], [[0.5, 0.5]]]))).toEqual([[0.5, 0.5]]);
    const enc = rollout([randomAttention(4, 4, 9)]);
    const cross = randomAttention(3, 4, 11);
    const c = crossRollout(cross, enc);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) expect(c[i]![j]).toBeCloseTo(cross[i]!.reduce((s, w, k) => s + w * enc[k]![j]!, 0), 14);
      expect(c[i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});
