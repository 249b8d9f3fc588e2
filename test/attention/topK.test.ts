/**
 * Top-k and hard attention: the selection mask (src/ops/topK.ts) and every normaliser over the
 * kept scores only (Normalizer.weights with topK).
 */
import { describe, expect, it } from "vitest";
import { createNormalizer } from "../../src/attention/registry.js";
import { mul, sum, topKMask } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randMask, randn } from "../helpers/tensors.js";
import { NORMALIZERS } from "./helpers.js";

const mask01 = (m: Uint8Array) => Array.from(m);

describe("topKMask", () => {
  it("keeps the k largest unmasked scores of each row; ties go to the lowest index", () => {
    const x = Tensor.from([1, 3, 3, 2, 0, 5, 5, 5, -1, 9, 9, 9], [3, 4]);
    expect(mask01(topKMask(x, 2))).toEqual([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
    expect(mask01(topKMask(x, 1))).toEqual([1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1]);
    // Masked positions never compete: row 0 without its two 3s keeps 2 then 1.
    const m = Uint8Array.from([0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(mask01(topKMask(x, 2, m))).toEqual([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("k at least the number of unmasked keys keeps them all; a non-positive or fractional k is an error", () => {
    const x = Tensor.from([4, 1, 2], [1, 3]);
    expect(mask01(topKMask(x, 3))).toEqual([0, 0, 0]);
    expect(mask01(topKMask(x, 10, Uint8Array.from([0, 1, 0])))).toEqual([0, 1, 0]);
    for (const k of [0, -1, 1.5]) expect(() => topKMask(x, k)).toThrow(/k must be a positive integer/);
  });
});

describe("normalisers over the top-k scores (registry-derived)", () => {
  for (const name of NORMALIZERS) {
    it(`${name}: equals the normaliser over the kept positions; k = 1 is hard (one-hot) attention`, () => {
      const rng = new Rng(7);
      const x = randn([8, 6], rng, 2);
      const mask = randMask(48, rng, 0.2);
      for (const k of [1, 2, 4, 50]) {
        const top = createNormalizer({ normalizer: name, topK: k }, 1).weights(x, mask);
        const reference = createNormalizer({ normalizer: name }, 1).weights(x, topKMask(x, k, mask));
        expect(Array.from(top.data), `k = ${k}`).toEqual(Array.from(reference.data));
        const keep = topKMask(x, k, mask);
        for (let i = 0; i < 48; i++) if (keep[i]) expect(top.data[i]).toBe(0);
        if (k === 1) {
          for (let r = 0; r < 8; r++) {
            const row = Array.from(top.data.subarray(r * 6, r * 6 + 6));
            const open = Array.from(mask.subarray(r * 6, r * 6 + 6)).some((v) => v === 0);
            expect(row.filter((v) => v === 1)).toHaveLength(open ? 1 : 0);
          }
        }
      }
    });
  }

  it("gradients flow to the kept scores only, and pass the finite-difference check (float64)", () => {
    gradCase(9, (rng) => {
      // Scores spread apart so a 1e-6 perturbation never changes which k are kept.
      const x = Tensor.from(Array.from({ length: 24 }, (_, i) => ((i * 7) % 24) * 0.3 + rng.uniform(0, 0.1)), [4, 6]);
      const R = randn([4, 6], rng);
      for (const name of ["softmax", "entmax15"]) {
        const norm = createNormalizer({ normalizer: name, topK: 3 }, 1);
        expectGradOk(() => norm.weights(x, null), [x]);
        x.grad = null;
        sum(mul(norm.weights(x, null), R)).backward();
        const dropped = topKMask(x, 3);
        for (let i = 0; i < 24; i++) if (dropped[i]) expect(x.grad![i], `${name} [${i}]`).toBe(0);
        expect(Array.from(x.grad!).some((g, i) => !dropped[i] && g !== 0), name).toBe(true);
        x.grad = null;
      }
    });
  });
});
