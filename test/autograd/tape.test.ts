import { describe, expect, it } from "vitest";
import { gradSink, isGradEnabled, needsGrad, noGrad, record } from "../../src/autograd/index.js";
import { add, addScalar, exp, matmul, mul, sum, tanh } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";

const grads = (t: Tensor): number[] => Array.from(t.grad ?? []);

describe("gradient accumulation", () => {
  it("adds the gradients of two backward calls into leaves", () => {
    const x = Tensor.from([1, 2], [2], true);
    const w = Tensor.from([3, 4], [2], true);
    sum(mul(x, w)).backward();
    expect(grads(x)).toEqual([3, 4]);
    sum(mul(x, w)).backward();
    expect(grads(x)).toEqual([6, 8]);
    expect(grads(w)).toEqual([2, 4]);
  });

  it("zeroGrad resets to zero and keeps the buffer", () => {
    const x = Tensor.from([1, 2], [2], true);
    sum(mul(x, x)).backward();
    const buf = x.grad;
    x.zeroGrad();
    expect(x.grad).toBe(buf);
    expect(grads(x)).toEqual([0, 0]);
    sum(x.detach()); // no effect
    sum(mul(x, x)).backward();
    expect(grads(x)).toEqual([2, 4]);
    // On a tensor without a gradient it is a no-op.
    const y = Tensor.zeros([2], true);
    y.zeroGrad();
    expect(y.grad).toBeNull();
  });

  it("accumulates an explicit gradOutput into a leaf root instead of overwriting it", () => {
    const x = Tensor.from([1, 2], [2], true);
    sum(mul(x, Tensor.from([5, 5], [2]))).backward();
    x.backward(Float32Array.from([1, 2]));
    expect(grads(x)).toEqual([6, 7]);
  });
});

describe("paths through the graph", () => {
  it("a tensor used twice gets the sum of both paths", () => {
    const x = Tensor.from([0.5, -1], [2], true);
    const a = Tensor.from([2, 3], [2]);
    // y = Σ x·a + exp(x) → dy/dx = a + exp(x)
    sum(add(mul(x, a), exp(x))).backward();
    expect(x.grad![0]).toBeCloseTo(2 + Math.exp(0.5), 6);
    expect(x.grad![1]).toBeCloseTo(3 + Math.exp(-1), 6);
  });

  it("a diamond (shared intermediate) is backpropagated once per path", () => {
    const x = Tensor.from([0.3], [1], true);
    const h = tanh(x);
    sum(add(mul(h, h), h)).backward(); // d/dx (h² + h) = (2h + 1)(1 − h²)
    const hv = Math.tanh(0.3);
    expect(x.grad![0]).toBeCloseTo((2 * hv + 1) * (1 - hv * hv), 6);
  });

  it("detach stops the gradient but shares the values", () => {
    const x = Tensor.from([1, 2], [2], true);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.parents).toBeNull();
    expect(d.data).toBe(x.data);
    const w = Tensor.from([3, 4], [2], true);
    sum(add(mul(d, w), mul(x, Tensor.from([10, 10], [2])))).backward();
    expect(grads(x)).toEqual([10, 10]); // only the non-detached path
    expect(grads(w)).toEqual([1, 2]);
    expect(d.grad).toBeNull();
  });

  it("detaching an intermediate cuts everything behind it", () => {
    const x = Tensor.from([1, 2], [2], true);
    const w = Tensor.from([1, 1], [2], true);
    const h = mul(x, x).detach();
    sum(mul(h, w)).backward();
    expect(x.grad).toBeNull();
    expect(grads(w)).toEqual([1, 4]);
  });

  it("ops on tensors that need no gradient record nothing", () => {
    const a = Tensor.from([1], [1]);
    const y = exp(a);
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toBeNull();
    expect(needsGrad(a)).toBe(false);
    expect(() => y.backward()).toThrow(/backward: tensor does not require grad/);
  });
});

describe("noGrad", () => {
  it("records nothing: outputs have requiresGrad false and no parents", () => {
    const x = Tensor.from([1, 2, 3, 4], [2, 2], true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      expect(needsGrad(x)).toBe(false);
      return sum(tanh(matmul(x, x)));
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toBeNull();
    expect(y.backwardFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(x.grad).toBeNull();
  });

  it("restores grad mode after a throw and nests", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      noGrad(() => undefined);
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });
});

describe("backward", () => {
  it("handles a 5,000-step chain without overflowing the stack", () => {
    const x = Tensor.from([1, 2], [2], true);
    const c = Tensor.from([0.5, 0.5], [2], true);
    let y = x;
    for (let i = 0; i < 5000; i++) y = add(y, c);
    expect(y.data[0]).toBe(2501);
    sum(y).backward();
    expect(grads(x)).toEqual([1, 1]);
    expect(grads(c)).toEqual([5000, 5000]);
  });

  it("handles a 50,000-step chain of one-input ops", () => {
    const x = Tensor.from([0], [1], true);
    let y = x;
    for (let i = 0; i < 50000; i++) y = addScalar(y, 1);
    y.backward();
    expect(grads(x)).toEqual([1]);
  });

  it("on a non-scalar without gradOutput throws a clear error", () => {
    const y = mul(Tensor.from([1, 2], [2], true), Tensor.from([1, 2], [2]));
    expect(() => y.backward()).toThrow(/backward: implicit gradient needs a one-element tensor, got shape \[2\]/);
  });

  it("rejects a gradOutput of the wrong size", () => {
    const y = mul(Tensor.from([1, 2], [2], true), Tensor.from([1, 2], [2]));
    expect(() => y.backward(Float32Array.from([1, 2, 3]))).toThrow(/backward: gradOutput has 3 elements, tensor has 2/);
  });

  it("frees the graph: nodes lose parents, closures and intermediate gradients; leaves keep theirs", () => {
    const x = Tensor.from([1, 2], [2], true);
    const h = tanh(x);
    const loss = sum(mul(h, h));
    loss.backward();
    for (const node of [h, loss]) {
      expect(node.parents).toBeNull();
      expect(node.backwardFn).toBeNull();
      expect(node.grad).toBeNull();
    }
    expect(x.grad).not.toBeNull();
    expect(h.requiresGrad).toBe(true);
  });

  it("a second backward through a freed graph throws instead of silently doing nothing", () => {
    const x = Tensor.from([1, 2], [2], true);
    const h = tanh(x);
    const loss = sum(h);
    loss.backward();
    expect(() => loss.backward()).toThrow(/backward: .*already freed/);
    // Another loss built on the freed intermediate h is rejected too.
    expect(() => sum(mul(h, h)).backward()).toThrow(/backward: .*already freed/);
  });
});

describe("record / gradSink", () => {
  it("attach a node only when a parent requires grad, and allocate sinks lazily", () => {
    const a = Tensor.from([1], [1], true);
    const b = Tensor.from([2], [1]);
    const out = record(Tensor.from([3], [1]), [a, b], () => undefined);
    expect(out.requiresGrad).toBe(true);
    expect(out.parents).toEqual([a, b]);
    expect(gradSink(b)).toBeNull();
    const sink = gradSink(a)!;
    expect(Array.from(sink)).toEqual([0]);
    expect(gradSink(a)).toBe(sink);
    const plain = record(Tensor.from([3], [1]), [b], () => undefined);
    expect(plain.requiresGrad).toBe(false);
  });
});
