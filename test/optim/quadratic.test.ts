import { describe, expect, it } from "vitest";
import { Adam, AdamW, SGD, clipGradNorm, type NamedParams, type Optimizer } from "../../src/optim/index.js";
import { Tensor } from "../../src/tensor/tensor.js";

/**
 * L(x) = 0.5 * sum_i a_i (x_i - c_i)^2, an ill-conditioned quadratic with its minimum at c.
 * Gradients are set by hand (dL/dx_i = a_i (x_i - c_i)), independent of the autograd ops.
 */
const a = [1, 10, 0.3, 4];
const c = [1, -2, 0.5, 3];

function loss(x: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += 0.5 * a[i]! * (x.data[i]! - c[i]!) ** 2;
  return s;
}

function setGrad(x: Tensor): void {
  const g = x.ensureGrad();
  for (let i = 0; i < a.length; i++) g[i] = a[i]! * (x.data[i]! - c[i]!);
}

const makers: Record<string, (p: NamedParams) => Optimizer> = {
  sgd: (p) => new SGD(p, { lr: 0.05 }),
  "sgd momentum": (p) => new SGD(p, { lr: 0.02, momentum: 0.9 }),
  "sgd nesterov": (p) => new SGD(p, { lr: 0.02, momentum: 0.9, nesterov: true }),
  adam: (p) => new Adam(p, { lr: 0.05 }),
  adamw: (p) => new AdamW(p, { lr: 0.05, weightDecay: 1e-3 }),
};

describe("each optimizer decreases a quadratic loss", () => {
  for (const [kind, make] of Object.entries(makers)) {
    it(kind, () => {
      const x = Tensor.from([4, 3, -2, 0], [4], true);
      const opt = make([["x", x]]);
      const start = loss(x);
      for (let t = 0; t < 300; t++) {
        opt.zeroGrad();
        setGrad(x);
        clipGradNorm([x], 10);
        opt.step();
      }
      const end = loss(x);
      expect(end).toBeLessThan(start * 1e-3);
      // AdamW's decay pulls slightly towards 0, so compare loosely.
      for (let i = 0; i < 4; i++) expect(Math.abs(x.data[i]! - c[i]!)).toBeLessThan(0.05);
    });
  }
});
