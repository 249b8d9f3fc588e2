import { describe, expect, it } from "vitest";
import { additiveEnergies, concat } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import type { Attention } from "../../src/attention/attention.js";
import {
  type AttentionScope,
  dimsFor,
  expectGradOk,
  flatOutputs,
  gaussian,
  makeAttention,
  maskFromLengths,
  predictedPositions,
  runAttention,
  SCORE_KINDS,
} from "./helpers.js";

/**
 * Finite-difference checks (float64, central differences with eps = 1e-6, tolerance
 * 1e-6 + 1e-5·|numeric|) of Attention.prepare + attend for every score and scope, with respect
 * to the query, the keys and every parameter. One checked tensor holds weights and context, so
 * L = Σ weights·R_w + Σ context·R_c as in the fixtures.
 *
 * B = 2 sentences of lengths 6 and 4 in S = 6 (padding on the right), window D = 1, so local
 * windows [c − 1, c + 1] really cut positions away and padding is present.
 */
const S = 6;
const LENGTHS = [6, 4];
const B = LENGTHS.length;

function checkAttention(kind: string, scope: AttentionScope, step: number, seed: number): void {
  withFloat64(() => {
    const { dq, dk } = dimsFor(kind);
    const attn = makeAttention(kind, scope, dq, dk, seed, { window: 1, size: 5, rank: 2 });
    const rng = new Rng(seed + 1000);
    const q = scope === "local-p" ? queryAwayFromRoundingBoundary(attn, rng, dq) : gaussian([B, dq], rng);
    const keys = gaussian([B, S, dk], rng);
    const params = attn.parameters();
    for (const p of params) expect(p.data, "parameters must be float64 for the check").toBeInstanceOf(Float64Array);
    expectGradOk(() => flatOutputs(runAttention(attn, q, keys, LENGTHS, step)), [q, keys, ...params]);
  });
}

/**
 * local-p's window mask is a step function of round(p_t), which central differences cannot
 * differentiate. A perturbation of eps = 1e-6 moves p_t by at most |∂p_t/∂θ|·1e-6 — p_t =
 * S_b·sigmoid(·) has slope ≤ S_b/4 times O(1) weights and inputs, so well under 1e-4 here — so
 * when every p_t is at least 0.05 away from a .5 rounding boundary, each perturbed forward pass
 * uses the same window and the function checked is smooth. Draw queries until that holds.
 */
function queryAwayFromRoundingBoundary(attn: Attention, rng: Rng, dq: number): Tensor {
  for (let tries = 0; tries < 100; tries++) {
    const q = gaussian([B, dq], rng, 2);
    const p = predictedPositions(attn, q, LENGTHS);
    if (p.every((pt) => Math.abs(pt - Math.floor(pt) - 0.5) > 0.05)) return q;
  }
  throw new Error("no query with every p_t away from a rounding boundary");
}

describe("Attention gradient checks (float64)", () => {
  for (const kind of SCORE_KINDS) {
    it(`${kind}, global`, () => checkAttention(kind, "global", 0, 11));

    // Step 0 (window at the start), 2 (inside both sentences) and 5 (beyond sentence 2's
    // length 4, so its window is centred at its last real position 3).
    for (const step of [0, 2, 5]) {
      it(`${kind}, local-m at step ${step}`, () => checkAttention(kind, "local-m", step, 21 + step));
    }

    it(`${kind}, local-p (through the predicted position and its Gaussian)`, () => checkAttention(kind, "local-p", 0, 31));

    it(`${kind}, local-m over three decoder steps sharing one prepared memory`, () => {
      // The decoder prepares the keys once and attends at every step: gradients from all steps
      // must accumulate into the shared key-side precomputation.
      withFloat64(() => {
        const { dq, dk } = dimsFor(kind);
        const attn = makeAttention(kind, "local-m", dq, dk, 41, { window: 1, size: 5, rank: 2 });
        const rng = new Rng(42);
        const queries = [0, 1, 2].map(() => gaussian([B, dq], rng));
        const keys = gaussian([B, S, dk], rng);
        const mask = maskFromLengths(LENGTHS, S);
        const f = (): Tensor => {
          const memory = attn.prepare(keys, mask, Int32Array.from(LENGTHS));
          return concat(queries.map((q, t) => flatOutputs(attn.attend(q, memory, 2 * t))), 0);
        };
        expectGradOk(f, [...queries, keys, ...attn.parameters()]);
      });
    });
  }
});

describe("additiveEnergies gradient check (float64)", () => {
  it("keysProj, queryProj and v", () => {
    withFloat64(() => {
      const rng = new Rng(3);
      const keysProj = gaussian([2, 5, 4], rng);
      const queryProj = gaussian([2, 4], rng);
      const v = gaussian([4], rng);
      expectGradOk(() => additiveEnergies(keysProj, queryProj, v), [keysProj, queryProj, v]);
    });
  });

  it("with saturated tanh inputs and a batch of one", () => {
    withFloat64(() => {
      const rng = new Rng(4);
      const keysProj = gaussian([1, 3, 6], rng, 3);
      const queryProj = gaussian([1, 6], rng, 3);
      const v = gaussian([6], rng);
      expectGradOk(() => additiveEnergies(keysProj, queryProj, v), [keysProj, queryProj, v]);
    });
  });
});
