/**
 * The importance measures explain compares attention with: gradient × input against central
 * differences in float64 (scaling one source token's embedding row by 1 ± ε), and leave-one-out
 * against re-encoding the shortened source by hand.
 */
import { describe, expect, it } from "vitest";
import { noGrad } from "../../../src/autograd/tape.js";
import type { TranslationModel } from "../../../src/models/types.js";
import { logSoftmax } from "../../../src/ops/index.js";
import { withFloat64 } from "../../../src/tensor/dtype.js";
import { forcedBatch } from "../../../src/workflows/explain/forcedBatch.js";
import { gradientTimesInput, sourceEmbedding } from "../../../src/workflows/explain/gradInput.js";
import { leaveOneOut } from "../../../src/workflows/explain/leaveOneOut.js";
import { totalVariation } from "../../../src/workflows/explain/tvd.js";
import { recurrent, transformer } from "./models.js";

// Distinct tokens, so scaling a vocabulary row scales exactly one source position.
const SRC = Int32Array.of(4, 5, 6, 7, 2);
const OUT = Int32Array.of(7, 6, 5, 4, 2);

/** log p(y_t) of a teacher-forced pass. */
function logProb(net: TranslationModel, src: Int32Array, t: number): number {
  return noGrad(() => {
    const lp = logSoftmax(net.forward(forcedBatch(src, OUT)).logits);
    return lp.data[t * lp.shape[1]! + OUT[t]!]!;
  });
}

/** |d/dε log p(y_t)| with x_j scaled by (1 + ε), by central differences: |Σ_d g_jd x_jd|. */
function finiteDifference(net: TranslationModel, t: number, j: number, eps = 1e-6): number {
  const w = sourceEmbedding(net).weight;
  const E = w.shape[1]!;
  const row = w.data.subarray(SRC[j]! * E, (SRC[j]! + 1) * E);
  const x = Float64Array.from(row);
  const at = (scale: number) => {
    row.set(x.map((v) => v * scale));
    return logProb(net, SRC, t);
  };
  const d = (at(1 + eps) - at(1 - eps)) / (2 * eps);
  row.set(x);
  return Math.abs(d);
}

describe("gradient × input", () => {
  const families: [string, () => TranslationModel][] = [
    ["bahdanau (additive)", () => recurrent({ type: "bahdanau" })],
    ["luong (dot, LSTM, input feeding)", () => recurrent({ type: "luong", cell: "lstm", hiddenSize: 10 }, { score: "dot" })],
    ["bahdanau with coverage", () => recurrent({ type: "bahdanau" }, { coverage: true })],
    ["luong with the multihead score", () => recurrent({ type: "luong", hiddenSize: 8 }, { score: "multihead" })],
    ["transformer", () => transformer()],
  ];
  for (const [name, make] of families) {
    it(`${name}: |Σ_d g_jd x_jd| equals central differences in float64`, () => {
      withFloat64(() => {
        const net = make();
        const g = gradientTimesInput(net, SRC, OUT);
        expect(g).toHaveLength(OUT.length);
        for (const t of [0, 2, OUT.length - 1]) {
          for (let j = 0; j < SRC.length; j++) expect(Math.abs(g[t]![j]! - finiteDifference(net, t, j))).toBeLessThan(1e-6 + 1e-5 * g[t]![j]!);
        }
        // Parameters keep their gradient flags and gather no gradient.
        for (const p of net.parameters()) {
          expect(p.requiresGrad).toBe(true);
          expect(p.grad === null || p.grad.every((v) => v === 0)).toBe(true);
        }
      });
    });
  }

  it("leaves the source embedding's own lookup in place", () => {
    const net = recurrent({ type: "bahdanau" });
    gradientTimesInput(net, SRC, OUT);
    expect(Object.prototype.hasOwnProperty.call(sourceEmbedding(net), "forward")).toBe(false);
  });
});

describe("leave-one-out", () => {
  it("is the TVD between the step's distribution with the whole source and without token j", () => {
    const net = transformer();
    const loo = leaveOneOut(net, SRC, OUT);
    const probs = (src: Int32Array) =>
      noGrad(() => {
        const lp = logSoftmax(net.forward(forcedBatch(src, OUT)).logits);
        const V = lp.shape[1]!;
        return Array.from({ length: OUT.length }, (_, t) => Array.from(lp.data.subarray(t * V, (t + 1) * V), Math.exp));
      });
    const whole = probs(SRC);
    for (const j of [0, 2, SRC.length - 1]) {
      const without = probs(Int32Array.from([...SRC].filter((_, k) => k !== j)));
      for (let t = 0; t < OUT.length; t++) expect(loo[t]![j]).toBeCloseTo(totalVariation(whole[t]!, without[t]!), 12);
    }
    expect(loo.flatMap((v) => [...v]).every((v) => v > 0)).toBe(true);
  });

  it("is NaN for a source of one token (nothing would be left)", () => {
    const loo = leaveOneOut(recurrent({ type: "bahdanau" }), Int32Array.of(2), Int32Array.of(2));
    expect(loo).toHaveLength(1);
    expect(loo[0]![0]).toBeNaN();
  });
});
