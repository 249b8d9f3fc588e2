import { describe, expect, it } from "vitest";
import { expandKeyMask, maskedFill, selectRows, softmax } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randMask, randn } from "../helpers/tensors.js";

describe("maskedFill", () => {
  it("replaces masked positions and blocks their gradient", () => {
    const x = Tensor.from([1, 2, 3, 4], [2, 2], true);
    const y = maskedFill(x, Uint8Array.from([0, 1, 1, 0]), -Infinity);
    expect(y.toArray()).toEqual([1, -Infinity, -Infinity, 4]);
    y.backward(Float32Array.from([1, 1, 1, 1]));
    expect(Array.from(x.grad!)).toEqual([1, 0, 0, 1]);
  });

  it("passes a gradient check, also feeding a softmax as attention scores do", () => {
    gradCase(70, (rng) => {
      const x = randn([2, 3, 4], rng);
      const mask = randMask(24, rng, 0.3);
      mask[0] = 0; // keep each row's first key so no row is fully masked
      expectGradOk(() => maskedFill(x, mask, 0.7), [x]);
      expectGradOk(() => softmax(maskedFill(x, mask, -1e9)), [x]);
    });
  });

  it("rejects a mask of the wrong size, naming the op and the shape", () => {
    expect(() => maskedFill(Tensor.zeros([2, 3]), new Uint8Array(5), 0)).toThrow(/^maskedFill: mask has 5 entries.*\[2, 3\]/);
  });
});

describe("selectRows", () => {
  it("chooses rows per keep flag", () => {
    const a = Tensor.from([1, 2, 3, 4, 5, 6], [3, 2]);
    const b = Tensor.from([-1, -2, -3, -4, -5, -6], [3, 2]);
    expect(selectRows(Uint8Array.from([1, 0, 1]), a, b).toArray()).toEqual([1, 2, -3, -4, 5, 6]);
  });

  it("passes a gradient check into both branches", () => {
    gradCase(71, (rng) => {
      const a = randn([4, 2, 3], rng);
      const b = randn([4, 2, 3], rng);
      const keep = Uint8Array.from([1, 0, 0, 1]);
      expectGradOk(() => selectRows(keep, a, b), [a, b]);
    });
  });

  it("rejects mismatched shapes, naming both", () => {
    expect(() => selectRows(Uint8Array.from([1, 0]), Tensor.zeros([2, 3]), Tensor.zeros([2, 4]))).toThrow(/^selectRows: .*\[2, 3\].*\[2, 4\]/);
    expect(() => selectRows(Uint8Array.from([1, 0, 1]), Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(/^selectRows: .*3 rows.*\[2, 3\].*\[2, 3\]/);
  });
});

describe("expandKeyMask", () => {
  it("repeats each batch row's key mask", () => {
    const m = expandKeyMask(Uint8Array.from([0, 1, 1, 0]), 2, 2, 3);
    expect(Array.from(m)).toEqual([0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0]);
    expect(() => expandKeyMask(new Uint8Array(3), 2, 2, 1)).toThrow(/expandKeyMask: mask has 3 entries/);
  });
});
