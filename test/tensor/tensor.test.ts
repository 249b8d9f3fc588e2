import { describe, expect, it } from "vitest";
import { isFloat64Mode, withFloat64 } from "../../src/tensor/dtype.js";
import { Tensor } from "../../src/tensor/tensor.js";

describe("Tensor", () => {
  it("rejects data of the wrong length with a clear message", () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow("Tensor: data has 5 elements but shape [2, 3] needs 6");
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/Tensor: data has 3 elements but shape \[2, 2\] needs 4/);
    expect(() => Tensor.from([1, 2], [])).toThrow(/shape \[\] needs 1/);
  });

  it("rejects negative or fractional dimensions", () => {
    expect(() => Tensor.zeros([2, -1])).toThrow("Tensor: invalid shape [2, -1] (dimensions must be non-negative integers)");
    expect(() => new Tensor(new Float32Array(2), [-1, -2])).toThrow(/Tensor: invalid shape \[-1, -2\]/);
    expect(() => Tensor.full([1.5], 0)).toThrow(/Tensor: invalid shape \[1.5\]/);
  });

  it("zeros / full / from / scalar build the right shape, values and flags", () => {
    const z = Tensor.zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.size).toBe(6);
    expect(z.ndim).toBe(2);
    expect(z.toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(z.requiresGrad).toBe(false);
    expect(z.grad).toBeNull();
    expect(z.parents).toBeNull();
    expect(Tensor.full([2], 7, true).toArray()).toEqual([7, 7]);
    expect(Tensor.full([2], 7, true).requiresGrad).toBe(true);
    const f = Tensor.from([1, 2, 3, 4], [2, 2]);
    expect(f.toArray()).toEqual([1, 2, 3, 4]);
    const s = Tensor.scalar(2.5, true);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(s.item()).toBe(2.5);
    expect(Tensor.zeros([0, 4]).size).toBe(0);
  });

  it("stores float32 by default and float64 inside withFloat64", () => {
    expect(Tensor.from([0.1], [1]).data).toBeInstanceOf(Float32Array);
    expect(Tensor.from([0.1], [1]).item()).toBe(Math.fround(0.1));
    expect(isFloat64Mode()).toBe(false);
    withFloat64(() => {
      expect(isFloat64Mode()).toBe(true);
      expect(Tensor.from([0.1], [1]).item()).toBe(0.1);
    });
    expect(isFloat64Mode()).toBe(false);
  });

  it("item works only on one-element tensors", () => {
    expect(Tensor.from([3], [1, 1]).item()).toBe(3);
    expect(() => Tensor.zeros([2]).item()).toThrow(/item: expected a one-element tensor \(shapes \[2\]\)/);
  });

  it("freezes its shape", () => {
    const shape = [2, 2];
    const t = Tensor.zeros(shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it("clone copies the values into a new leaf; detach shares them", () => {
    const t = Tensor.from([1, 2, 3], [3], true);
    const c = t.clone();
    expect(c.toArray()).toEqual([1, 2, 3]);
    expect(c.data).not.toBe(t.data);
    expect(c.requiresGrad).toBe(false);
    c.data[0] = 9;
    expect(t.data[0]).toBe(1);
    const d = t.detach();
    d.data[1] = 8;
    expect(t.data[1]).toBe(8);
    expect(d.requiresGrad).toBe(false);
  });

  it("ensureGrad allocates once, zero-filled, and zeroGrad keeps the buffer", () => {
    const t = Tensor.zeros([3], true);
    const g = t.ensureGrad();
    expect(Array.from(g)).toEqual([0, 0, 0]);
    g[1] = 4;
    expect(t.ensureGrad()).toBe(g);
    t.zeroGrad();
    expect(t.grad).toBe(g);
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });

  it("toString shows the shape and the grad flag", () => {
    expect(String(Tensor.zeros([2, 3], true))).toBe("Tensor([2, 3], requiresGrad)");
    expect(String(Tensor.scalar(1))).toBe("Tensor([])");
  });
});
