import { describe, expect, it } from "vitest";
import { AdditiveScore } from "../../src/attention/additive.js";
import { composeAttention } from "../../src/attention/registry.js";
import { ConcatScore } from "../../src/attention/concat.js";
import { DotScore } from "../../src/attention/dot.js";
import { GeneralScore } from "../../src/attention/general.js";
import type { AttentionScore } from "../../src/attention/score.js";
import { add, expandKeyMask, matmul, mul, mulScalar, softmax, sum } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { expectClose, fixtureMask, fixtureTensor, loadFixture, type TorchFixture } from "../helpers/fixtures.js";
import { lengthsFromMask } from "./helpers.js";

/** L = Σ_k Σ out_k ⊙ R_<out_k>, built as one scalar so backward runs through every output. */
function lossWithR(fx: TorchFixture, outputs: Record<string, Tensor>): Tensor {
  const terms = Object.entries(outputs).map(([name, out]) => sum(mul(out, fixtureTensor(fx.inputs[`R_${name}`]))));
  return terms.reduce((acc, t) => add(acc, t));
}

/**
 * Compare every output (shape and values) with the fixture, check that masked weights are exactly
 * 0, then backpropagate the fixture's loss and compare the gradient of every input.
 */
function expectParity(fx: TorchFixture, outputs: Record<string, Tensor>, weightMask: Uint8Array, inputs: Record<string, Tensor>): void {
  for (const [name, out] of Object.entries(outputs)) {
    const want = fx.outputs[name]!;
    expect(out.shape, `${name} shape`).toEqual(want.shape);
    expectClose(out.data, want, name);
  }
  const weights = outputs.weights!;
  for (let i = 0; i < weightMask.length; i++) if (weightMask[i]) expect(weights.data[i], `masked weight ${i}`).toBe(0);
  lossWithR(fx, outputs).backward();
  for (const [name, t] of Object.entries(inputs)) expectClose(t.grad!, fx.grads[`d_${name}`]!, `d_${name}`);
}

interface ScoreCase {
  fixture: string;
  /** Builds the score for the fixture's sizes (Dq, Dk, hidden size A). */
  build: (dq: number, dk: number, a: number, rng: Rng) => AttentionScore;
  /** Fixture param name → the Attention parameter it is loaded into. */
  params: Record<string, string>;
}

const SCORE_CASES: ScoreCase[] = [
  {
    fixture: "bahdanau_attention",
    build: (dq, dk, a, rng) => new AdditiveScore(dq, dk, { size: a, rank: 1 }, rng),
    params: { W1: "score.query_proj.weight", W2: "score.key_proj.weight", v: "score.v" },
  },
  { fixture: "luong_dot", build: () => new DotScore(), params: {} },
  { fixture: "luong_general", build: (dq, dk, _a, rng) => new GeneralScore(dq, dk, rng), params: { W: "score.W" } },
  {
    fixture: "luong_concat",
    build: (dq, dk, a, rng) => new ConcatScore(dq, dk, { size: a, rank: 1 }, rng),
    params: { W: "score.W", v: "score.v" },
  },
];

describe("Attention (global) matches PyTorch", () => {
  for (const c of SCORE_CASES) {
    it(`${c.fixture}: weights, context and every gradient`, () => {
      const fx = loadFixture(c.fixture);
      const query = fixtureTensor(fx.inputs.query, true);
      const keys = fixtureTensor(fx.inputs.keys, true);
      const [B, S, Dk] = keys.shape as [number, number, number];
      const Dq = query.shape[1]!;
      const A = (fx.params.v?.shape[0]) ?? 1;
      const attn = composeAttention(c.build(Dq, Dk, A, new Rng(7)), { queryDim: Dq, keyDim: Dk, spec: { scope: "global", window: 0, size: 1, normalizer: "softmax" }, rng: new Rng(8) });

      // Load the fixture's weights through the module's own parameter names (strict: all covered).
      const names = attn.namedParameters().map(([n]) => n);
      expect(names.sort()).toEqual(Object.values(c.params).sort());
      attn.loadStateDict(new Map(Object.entries(c.params).map(([from, to]) => [to, fixtureTensor(fx.params[from])])));

      const mask = fixtureMask(fx.inputs.mask);
      const lengths = lengthsFromMask(mask, B, S);
      const memory = attn.prepare(keys, mask, lengths);
      const { weights, context } = attn.attend(query, memory, 0);
      expectParity(fx, { weights, context }, mask, { query, keys });
      const params = new Map(attn.namedParameters());
      for (const [from, to] of Object.entries(c.params)) {
        expectClose(params.get(to)!.grad!, fx.grads[`d_${from}`]!, `d_${from} (${to})`);
      }
    });
  }
});

/**
 * softmax(QKᵀ/√d + mask) V composed from ops, the way the Transformer's attention will be:
 * `mask` is already expanded to the scores' [B, Tq, Tk] element count.
 */
function scaledDotProduct(Q: Tensor, K: Tensor, V: Tensor, mask: Uint8Array): { weights: Tensor; output: Tensor } {
  const d = Q.shape[2]!;
  const scores = mulScalar(matmul(Q, K, { transB: true }), 1 / Math.sqrt(d));
  const weights = softmax(scores, mask);
  return { weights, output: matmul(weights, V) };
}

describe("scaled dot-product attention from ops matches PyTorch", () => {
  for (const name of ["scaled_dot_product", "scaled_dot_product_key_padding"]) {
    it(`${name}: weights, output, d_Q, d_K, d_V`, () => {
      const fx = loadFixture(name);
      const Q = fixtureTensor(fx.inputs.Q, true);
      const K = fixtureTensor(fx.inputs.K, true);
      const V = fixtureTensor(fx.inputs.V, true);
      const [B, Tq] = Q.shape as [number, number];
      const Tk = K.shape[1]!;
      let mask: Uint8Array;
      if (name === "scaled_dot_product") {
        // The causal [Tq, Tk] mask is the same for every batch row: repeat it B times.
        const causal = fixtureMask(fx.inputs.mask);
        expect(causal.length).toBe(Tq * Tk);
        mask = new Uint8Array(B * Tq * Tk);
        for (let b = 0; b < B; b++) mask.set(causal, b * Tq * Tk);
      } else {
        mask = expandKeyMask(fixtureMask(fx.inputs.key_padding_mask), B, Tk, Tq);
      }
      const { weights, output } = scaledDotProduct(Q, K, V, mask);
      expectParity(fx, { weights, output }, mask, { Q, K, V });
    });
  }
});
