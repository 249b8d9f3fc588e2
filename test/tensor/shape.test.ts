import { describe, expect, it } from "vitest";
import { broadcastIndexMap } from "../../src/ops/broadcast.js";
import { broadcastShapes, normAxis, shapeError, shapesEqual, shapeSize, shapeStr, stridesOf } from "../../src/tensor/shape.js";

describe("shape utilities", () => {
  it("size, string, equality and strides", () => {
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([3, 0])).toBe(0);
    expect(shapeStr([2, 3])).toBe("[2, 3]");
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([2], [2, 1])).toBe(false);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
  });

  it("shapeError names the op and every shape", () => {
    expect(shapeError("op", "bad", [1, 2], [3]).message).toBe("op: bad (shapes [1, 2] and [3])");
  });

  it("normAxis accepts negative axes and rejects out-of-range ones", () => {
    expect(normAxis("f", -1, 3)).toBe(2);
    expect(normAxis("f", 0, 3)).toBe(0);
    expect(() => normAxis("f", 3, 3)).toThrow("f: axis 3 is out of range for a tensor of rank 3");
    expect(() => normAxis("f", -4, 3)).toThrow(/axis -4/);
    expect(() => normAxis("f", 1.5, 3)).toThrow(/axis 1.5/);
    expect(() => normAxis("f", 0, 0)).toThrow(/rank 0/);
  });

  it("broadcastShapes follows NumPy rules", () => {
    expect(broadcastShapes("add", [2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShapes("add", [1, 3], [2, 1])).toEqual([2, 3]);
    expect(broadcastShapes("add", [], [2])).toEqual([2]);
    expect(broadcastShapes("add", [5, 1, 4], [3, 1])).toEqual([5, 3, 4]);
    expect(() => broadcastShapes("mul", [2, 3], [3, 2])).toThrow("mul: shapes cannot be broadcast (shapes [2, 3] and [3, 2])");
  });

  it("broadcastIndexMap maps each output element to its input element", () => {
    expect(broadcastIndexMap([2, 3], [2, 3])).toBeNull();
    expect(Array.from(broadcastIndexMap([3], [2, 3])!)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(broadcastIndexMap([2, 1], [2, 3])!)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(broadcastIndexMap([], [2, 2])!)).toEqual([0, 0, 0, 0]);
    expect(Array.from(broadcastIndexMap([2, 1, 2], [2, 3, 2])!)).toEqual([0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3]);
    expect(Array.from(broadcastIndexMap([1, 3], [2, 2, 3])!)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });
});
