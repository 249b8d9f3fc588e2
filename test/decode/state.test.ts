import { describe, expect, it } from "vitest";
import { expandState, repeatIndices, selectStateRows, selectTensorRows } from "../../src/decode/state.js";
import type { DecoderState } from "../../src/models/types.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** Row r of every tensor holds values 100·tag + 10·r + column, so moved rows are recognisable. */
function tagged(tag: number, rows: number, cols: number): Tensor {
  return Tensor.from(Array.from({ length: rows * cols }, (_, i) => 100 * tag + 10 * Math.floor(i / cols) + (i % cols)), [rows, cols]);
}

function state3(): DecoderState {
  const keys = Tensor.from(Array.from({ length: 3 * 2 * 2 }, (_, i) => i), [3, 2, 2]);
  return {
    h: [tagged(1, 3, 2), tagged(2, 3, 2)],
    c: [tagged(3, 3, 2), tagged(4, 3, 2)],
    feed: tagged(5, 3, 3),
    memory: { keys, prepared: tagged(6, 3, 4), padMask: Uint8Array.from([0, 0, 0, 1, 0, 1]), lengths: Int32Array.from([2, 1, 1]) },
  };
}

const rowsOf = (t: Tensor): number[][] => {
  const w = t.size / t.shape[0]!;
  return Array.from({ length: t.shape[0]! }, (_, r) => Array.from(t.data.subarray(r * w, r * w + w)));
};

describe("decoder state rows", () => {
  it("selectTensorRows gathers rows of a 3-D tensor in any order, with repeats", () => {
    const x = Tensor.from(Array.from({ length: 12 }, (_, i) => i), [3, 2, 2]);
    const y = selectTensorRows(x, Int32Array.from([2, 0, 2]));
    expect(y.shape).toEqual([3, 2, 2]);
    expect(Array.from(y.data)).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]);
  });

  it("selectStateRows moves h, c, feed and the whole attention memory together", () => {
    const s = selectStateRows(state3(), Int32Array.from([1, 1, 0, 2]));
    const src = state3();
    const expectRows = (got: Tensor, from: Tensor) => expect(rowsOf(got)).toEqual([1, 1, 0, 2].map((r) => rowsOf(from)[r]!));
    s.h.forEach((t, l) => expectRows(t, src.h[l]!));
    s.c!.forEach((t, l) => expectRows(t, src.c![l]!));
    expectRows(s.feed!, src.feed!);
    expectRows(s.memory!.keys, src.memory!.keys);
    expectRows(s.memory!.prepared, src.memory!.prepared);
    expect(s.memory!.keys.shape).toEqual([4, 2, 2]);
    expect(Array.from(s.memory!.padMask)).toEqual([0, 1, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(s.memory!.lengths)).toEqual([1, 1, 2, 1]);
  });

  it("with memory: false the memory object is kept as is (re-ranking within a sentence)", () => {
    const src = state3();
    const s = selectStateRows(src, Int32Array.from([2, 1, 0]), { memory: false });
    expect(s.memory).toBe(src.memory);
    expect(rowsOf(s.h[0]!)[0]).toEqual(rowsOf(src.h[0]!)[2]);
  });

  it("GRU states (c = null) and no input feeding pass through", () => {
    const s = selectStateRows({ ...state3(), c: null, feed: null, memory: null }, Int32Array.from([0]));
    expect(s.c).toBeNull();
    expect(s.feed).toBeNull();
    expect(s.memory).toBeNull();
  });

  it("expandState repeats each sentence K times consecutively (row b·K + k from row b)", () => {
    expect(Array.from(repeatIndices(3, 2))).toEqual([0, 0, 1, 1, 2, 2]);
    const s = expandState(state3(), 2);
    expect(s.h[0]!.shape).toEqual([6, 2]);
    expect(rowsOf(s.h[0]!)[3]).toEqual(rowsOf(state3().h[0]!)[1]);
    expect(Array.from(s.memory!.lengths)).toEqual([2, 2, 1, 1, 1, 1]);
  });
});
