import { describe, expect, it } from "vitest";
import { Adam, AdamW } from "../../src/optim/index.js";
import { UserError } from "../../src/errors.js";
import { expectClose, fixtureEntry, fixtureNumber, fixtureTensor, loadFixture, paramWithGrad } from "./helpers.js";

/** One step from p0 with gradient g, shared by the first-step closed forms below. */
const first = { p0: [0.5, -1.25, 2], g: [0.1, 0.3, -0.7], lr: 0.01, wd: 0.1, eps: 1e-8 };

describe("Adam", () => {
  it("matches torch.optim.Adam for 3 steps (param, exp_avg, exp_avg_sq)", () => {
    const f = loadFixture("adam");
    const param = fixtureTensor(fixtureEntry(f, "param0"), true);
    const opt = new Adam([["w", param]], {
      lr: fixtureNumber(f, "lr"),
      beta1: fixtureNumber(f, "beta1"),
      beta2: fixtureNumber(f, "beta2"),
      eps: fixtureNumber(f, "eps"),
      weightDecay: fixtureNumber(f, "weight_decay"),
    });
    for (let t = 1; t <= 3; t++) {
      param.grad = Float32Array.from(fixtureEntry(f, `grad${t}`).data);
      opt.step();
      const sd = opt.stateDict();
      expectClose(param.data, fixtureEntry(f, `param_step${t}`), `param step ${t}`);
      expectClose(sd.tensors["exp_avg.w"]!, fixtureEntry(f, `exp_avg_step${t}`), `exp_avg step ${t}`);
      expectClose(sd.tensors["exp_avg_sq.w"]!, fixtureEntry(f, `exp_avg_sq_step${t}`), `exp_avg_sq step ${t}`);
      expect(sd.meta.paramSteps).toEqual({ w: t });
    }
  });

  it("first step with L2 weight decay: p1 = p0 - lr * g'/(|g'| + eps), g' = g + wd*p0", () => {
    const { p0, g, lr, wd, eps } = first;
    const p = paramWithGrad(p0, g);
    new Adam([{ name: "p", param: p }], { lr, weightDecay: wd, eps }).step();
    const want = p0.map((x, i) => {
      const gi = g[i]! + wd * x;
      return x - (lr * gi) / (Math.abs(gi) + eps);
    });
    expectClose(p.data, want, "p1", 1e-6, 1e-7);
  });

  it("adds eps after the bias correction: constant g gives p_t = p0 - t * lr * g/(|g| + eps)", () => {
    // With a constant gradient the bias-corrected moments are exactly g and g^2 at every step;
    // a large eps makes its placement visible.
    const lr = 0.01;
    const eps = 0.1;
    const g = [0.1, -0.4];
    const p = paramWithGrad([1, 1], g);
    const opt = new Adam([["p", p]], { lr, beta1: 0.8, beta2: 0.999, eps });
    for (let t = 1; t <= 4; t++) {
      opt.step();
      expectClose(p.data, g.map((gi) => 1 - (t * lr * gi) / (Math.abs(gi) + eps)), `p${t}`, 1e-6, 1e-7);
    }
  });

  it("skips params whose grad is null and keeps a step count per parameter", () => {
    const a = paramWithGrad([1, 2], [0.5, -0.5]);
    const b = paramWithGrad([3, 4], null);
    const opt = new Adam([["a", a], ["b", b]], { lr: 0.1 });
    opt.step();
    expect(Array.from(b.data)).toEqual([3, 4]);
    b.grad = Float32Array.from([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.meta.paramSteps).toEqual({ a: 2, b: 1 });
    expect(sd.meta.stepCount).toBe(2);
    // b's first update has full bias correction: step of exactly lr * g/|g| (up to eps).
    expectClose(b.data, [2.9, 3.9], "b", 1e-6, 1e-7);
    expect(Object.keys(sd.tensors)).toEqual(["exp_avg.a", "exp_avg.b", "exp_avg_sq.a", "exp_avg_sq.b"]);
  });

  it("amsgrad uses the running max of v", () => {
    const lr = 0.1;
    const b1 = 0.9;
    const b2 = 0.99;
    const p = paramWithGrad([0], [1]);
    const opt = new Adam([["p", p]], { lr, beta1: b1, beta2: b2, eps: 0, amsgrad: true });
    opt.step();
    p.grad = Float32Array.from([0.01]);
    opt.step();
    const m = b1 * (1 - b1) * 1 + (1 - b1) * 0.01;
    const v1 = 1 - b2;
    const v2 = b2 * v1 + (1 - b2) * 1e-4;
    const vmax = Math.max(v1, v2);
    const want = -lr - ((lr / (1 - b1 ** 2)) * m) / (Math.sqrt(vmax) / Math.sqrt(1 - b2 ** 2));
    expectClose(p.data, [want], "p2", 1e-6, 1e-7);
    expectClose(opt.stateDict().tensors["max_exp_avg_sq.p"]!, [vmax], "vmax", 1e-6, 0);
  });

  it("rejects bad hyperparameters with UserError", () => {
    const p = paramWithGrad([1], [1]);
    expect(() => new Adam([["p", p]], { lr: -1 })).toThrow(UserError);
    expect(() => new Adam([["p", p]], { lr: 1e-3, beta1: 1 })).toThrow(UserError);
    expect(() => new Adam([["p", p]], { lr: 1e-3, eps: -1 })).toThrow(UserError);
    const opt = new Adam([["p", p]], { lr: 1e-3 });
    expect(() => {
      opt.lr = Number.NaN;
    }).toThrow(UserError);
  });
});

describe("AdamW", () => {
  it("with zero gradients only decays: p_k = p0 * (1 - lr*wd)^k", () => {
    const p0 = [1.5, -2, 0.25];
    const lr = 0.01;
    const wd = 0.5;
    const p = paramWithGrad(p0, [0, 0, 0]);
    const opt = new AdamW(new Map([["p", p]]), { lr, weightDecay: wd });
    for (let k = 1; k <= 5; k++) {
      opt.step();
      expectClose(p.data, p0.map((x) => x * (1 - lr * wd) ** k), `p${k}`, 1e-6, 1e-7);
    }
  });

  it("first step: p1 = p0 * (1 - lr*wd) - lr * g/(|g| + eps), decay not in the moments", () => {
    const { p0, g, lr, wd, eps } = first;
    const p = paramWithGrad(p0, g);
    const opt = new AdamW([["p", p]], { lr, weightDecay: wd, eps });
    opt.step();
    expectClose(p.data, p0.map((x, i) => x * (1 - lr * wd) - (lr * g[i]!) / (Math.abs(g[i]!) + eps)), "p1", 1e-6, 1e-7);
    expectClose(opt.stateDict().tensors["exp_avg.p"]!, g.map((x) => 0.1 * x), "m", 1e-6, 0);
    expect(opt.stateDict().meta.type).toBe("adamw");
  });

  it("defaults to weightDecay 0.01 like torch.optim.AdamW", () => {
    const p = paramWithGrad([1], [1]);
    expect(new AdamW([["p", p]], { lr: 1e-3 }).options.weightDecay).toBe(0.01);
    expect(new Adam([["p", p]], { lr: 1e-3 }).options.weightDecay).toBe(0);
  });
});
