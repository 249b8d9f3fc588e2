import { describe, expect, it } from "vitest";
import { SGD } from "../../src/optim/index.js";
import { UserError } from "../../src/errors.js";
import { expectClose, paramWithGrad } from "./helpers.js";

/** Sum over j = 1..k of the momentum buffer for a constant gradient g (closed form). */
function bufSum(k: number, g: number, mu: number, damp: number): number {
  let s = 0;
  for (let j = 1; j <= k; j++) s += mu ** (j - 1) * g + ((1 - damp) * g * (1 - mu ** (j - 1))) / (1 - mu);
  return s;
}

describe("SGD", () => {
  it("plain SGD with weight decay: p1 = p0 - lr * (g + wd * p0)", () => {
    const p = paramWithGrad([1, -2], [0.5, 0.25]);
    new SGD([["p", p]], { lr: 0.1, weightDecay: 0.01 }).step();
    expectClose(p.data, [1 - 0.1 * (0.5 + 0.01), -2 - 0.1 * (0.25 - 0.02)], "p1", 1e-6, 1e-7);
  });

  it("momentum matches a hand computation (p0=1, lr=0.1, mu=0.9, grads 1, 2, -1)", () => {
    const p = paramWithGrad([1], [1]);
    const opt = new SGD([["p", p]], { lr: 0.1, momentum: 0.9 });
    const want = [0.9, 0.61, 0.449];
    const bufs = [1, 2.9, 1.61];
    [1, 2, -1].forEach((g, k) => {
      p.grad = Float32Array.from([g]);
      opt.step();
      expectClose(p.data, [want[k]!], `p${k + 1}`, 1e-6, 1e-7);
      expectClose(opt.stateDict().tensors["momentum_buffer.p"]!, [bufs[k]!], `buf${k + 1}`, 1e-6, 1e-7);
    });
  });

  it("momentum with dampening, constant gradient: closed form buf_k = mu^(k-1) g + (1-d) g (1-mu^(k-1))/(1-mu)", () => {
    const lr = 0.05;
    const mu = 0.8;
    const damp = 0.3;
    const g = 0.7;
    const p = paramWithGrad([2], [g]);
    const opt = new SGD([["p", p]], { lr, momentum: mu, dampening: damp });
    for (let k = 1; k <= 6; k++) {
      opt.step();
      expectClose(p.data, [2 - lr * bufSum(k, g, mu, damp)], `p${k}`, 1e-6, 1e-7);
    }
  });

  it("nesterov, constant gradient: d_k = g + mu * g (1 - mu^k)/(1 - mu)", () => {
    const lr = 0.1;
    const mu = 0.9;
    const g = -0.4;
    const p = paramWithGrad([0], [g]);
    const opt = new SGD([["p", p]], { lr, momentum: mu, nesterov: true });
    let want = 0;
    for (let k = 1; k <= 5; k++) {
      opt.step();
      want -= lr * (g + (mu * g * (1 - mu ** k)) / (1 - mu));
      expectClose(p.data, [want], `p${k}`, 1e-6, 1e-7);
    }
  });

  it("skips params without grad and creates no buffer for them", () => {
    const a = paramWithGrad([1], [1]);
    const b = paramWithGrad([5], null);
    const opt = new SGD([["a", a], ["b", b]], { lr: 0.5, momentum: 0.9 });
    opt.step();
    expect(b.data[0]).toBe(5);
    expect(Object.keys(opt.stateDict().tensors)).toEqual(["momentum_buffer.a"]);
  });

  it("rejects nesterov without momentum or with dampening", () => {
    const p = paramWithGrad([1], [1]);
    expect(() => new SGD([["p", p]], { lr: 0.1, nesterov: true })).toThrow(UserError);
    expect(() => new SGD([["p", p]], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(UserError);
  });

  it("zeroGrad fills with zeros, or sets grads to null", () => {
    const p = paramWithGrad([1, 2], [3, 4]);
    const opt = new SGD([["p", p]], { lr: 0.1 });
    opt.zeroGrad();
    expect(Array.from(p.grad!)).toEqual([0, 0]);
    opt.zeroGrad(true);
    expect(p.grad).toBeNull();
  });
});
