import { describe, expect, it } from "vitest";
import { add, crossEntropy, dropout, gelu, layerNorm, matmul, tanh } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { randn } from "../helpers/tensors.js";

/**
 * Random init + forward + backward of a tiny MLP (with dropout) from one seed; returns every
 * parameter gradient and the loss.
 */
function tinyMlpGrads(seed: number): { loss: number; grads: Float32Array[] } {
  const rng = new Rng(seed);
  const init = rng.fork("init");
  const params = [
    randn([5, 8], init, 0.5),
    randn([8], init, 0.1),
    Tensor.full([8], 1),
    Tensor.zeros([8]),
    randn([8, 4], init, 0.5),
    randn([4], init, 0.1),
  ];
  for (const p of params) p.requiresGrad = true;
  const [w1, b1, g, beta, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const data = rng.fork("data");
  const x = randn([6, 5], data);
  const targets = Int32Array.from({ length: 6 }, () => data.int(4));
  const h = dropout(gelu(layerNorm(add(matmul(x, w1), b1), g, beta)), 0.3, rng.fork("dropout"), true);
  const logits = add(matmul(tanh(h), w2), b2);
  const loss = crossEntropy(logits, targets, { labelSmoothing: 0.1 });
  loss.backward();
  return { loss: loss.item(), grads: params.map((p) => Float32Array.from(p.grad!)) };
}

describe("determinism", () => {
  it("the same seed gives bitwise-identical loss and gradients", () => {
    const a = tinyMlpGrads(42);
    const b = tinyMlpGrads(42);
    expect(Object.is(a.loss, b.loss)).toBe(true);
    a.grads.forEach((ga, i) => {
      const gb = b.grads[i]!;
      expect(new Uint8Array(ga.buffer)).toEqual(new Uint8Array(gb.buffer));
    });
    expect(a.grads.some((g) => g.some((v) => v !== 0))).toBe(true);
  });

  it("a different seed gives different gradients", () => {
    const a = tinyMlpGrads(42);
    const c = tinyMlpGrads(43);
    expect(Array.from(a.grads[0]!)).not.toEqual(Array.from(c.grads[0]!));
  });
});
