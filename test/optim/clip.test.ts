import { describe, expect, it } from "vitest";
import { clipGradNorm, gradNorm } from "../../src/optim/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectClose, fixtureEntry, fixtureNumber, loadFixture, paramWithGrad } from "./helpers.js";

describe("clipGradNorm", () => {
  it("matches torch.nn.utils.clip_grad_norm_ (clipped grads and total norm)", () => {
    const f = loadFixture("clip_grad_norm");
    const ga = fixtureEntry(f, "grad_a");
    const gb = fixtureEntry(f, "grad_b");
    const a = Tensor.zeros(ga.shape, true);
    const b = Tensor.zeros(gb.shape, true);
    a.grad = Float32Array.from(ga.data);
    b.grad = Float32Array.from(gb.data);
    const total = clipGradNorm([a, b], fixtureNumber(f, "max_norm"), fixtureNumber(f, "norm_type"));
    expectClose([total], fixtureEntry(f, "total_norm"), "total_norm");
    expectClose(a.grad, fixtureEntry(f, "grad_a_clipped"), "grad_a");
    expectClose(b.grad, fixtureEntry(f, "grad_b_clipped"), "grad_b");
  });

  it("leaves gradients alone when the norm is below maxNorm and skips null grads", () => {
    const a = paramWithGrad([0, 0], [3, 4]);
    const b = paramWithGrad([0], null);
    const total = clipGradNorm([["a", a], ["b", b]], 10);
    expect(total).toBeCloseTo(5, 12);
    expect(Array.from(a.grad!)).toEqual([3, 4]);
    expect(b.grad).toBeNull();
  });

  it("scales to maxNorm / (total + 1e-6) when above", () => {
    const a = paramWithGrad([0, 0], [3, 4]);
    expect(clipGradNorm(new Map([["a", a]]), 1)).toBeCloseTo(5, 12);
    expectClose(a.grad!, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], "a", 1e-6, 0);
  });

  it("supports norm types 1 and Infinity, and other p", () => {
    const a = paramWithGrad([0, 0], [3, -4]);
    const b = paramWithGrad([0], [-1]);
    expect(gradNorm([a, b], 1)).toBe(8);
    expect(gradNorm([a, b], Infinity)).toBe(4);
    expect(gradNorm([a, b], 3)).toBeCloseTo((27 + 64 + 1) ** (1 / 3), 12);
    expect(clipGradNorm([a, b], 2, Infinity)).toBe(4);
    expectClose(a.grad!, [1.5, -2], "a inf-clipped", 1e-6, 0);
  });

  it("returns a non-finite norm without touching the gradients", () => {
    const a = paramWithGrad([0, 0], [1, Number.NaN]);
    const b = paramWithGrad([0], [100]);
    expect(clipGradNorm([a, b], 1)).toBeNaN();
    expect(b.grad![0]).toBe(100);
    const c = paramWithGrad([0], [Infinity]);
    expect(clipGradNorm([c, b], 1)).toBe(Infinity);
    expect(gradNorm([a, b], Infinity)).toBeNaN();
    expect(b.grad![0]).toBe(100);
  });

  it("is 0 with no gradients", () => {
    expect(clipGradNorm([paramWithGrad([1], null)], 1)).toBe(0);
  });
});
