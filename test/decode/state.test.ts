import { describe, expect, it } from "vitest";
import { KeyValueCache } from "../../src/attention/multiheadCache.js";
import { expandState, nextStepState, repeatIndices, selectStateRows, selectTensorRows } from "../../src/decode/state.js";
import type { DecoderState } from "../../src/models/types.js";
import { reshape } from "../../src/ops/index.js";
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

  it("expandState repeats each hypothesis row K times consecutively (row b·K + k from row b); the memory stays one row per sentence", () => {
    expect(Array.from(repeatIndices(3, 2))).toEqual([0, 0, 1, 1, 2, 2]);
    const src = state3();
    const s = expandState(src, 2);
    expect(s.h[0]!.shape).toEqual([6, 2]);
    expect(rowsOf(s.h[0]!)[3]).toEqual(rowsOf(state3().h[0]!)[1]);
    expect(s.memory).toBe(src.memory);
    expect(s.memory!.keys.shape).toEqual([3, 2, 2]);
  });

  it("nextStepState: re-ranking keeps the memory object; dropping sentences gathers their memory rows", () => {
    const src = expandState(state3(), 2); // 6 rows, G = 2
    const reranked = nextStepState(src, Int32Array.from([1, 1, 2, 3, 5, 4]));
    expect(reranked.memory).toBe(src.memory);
    expect(rowsOf(reranked.h[0]!)).toEqual([1, 1, 2, 3, 5, 4].map((r) => rowsOf(src.h[0]!)[r]!));
    expect(nextStepState(src, Int32Array.from([0, 1, 2, 3, 4, 5]))).toBe(src);
    // Sentence 1 has finished: keep the rows of sentences 0 and 2 and their memory rows.
    const kept = nextStepState(src, Int32Array.from([0, 0, 5, 4]), Int32Array.from([0, 2]));
    expect(rowsOf(kept.c![1]!)).toEqual([0, 0, 5, 4].map((r) => rowsOf(src.c![1]!)[r]!));
    expect(kept.memory!.keys.shape).toEqual([2, 2, 2]);
    expect(rowsOf(kept.memory!.prepared)).toEqual([0, 2].map((r) => rowsOf(src.memory!.prepared)[r]!));
    expect(Array.from(kept.memory!.padMask)).toEqual([0, 0, 0, 1]);
    expect(Array.from(kept.memory!.lengths)).toEqual([2, 1]);
  });
});

describe("KeyValueCache", () => {
  /** A cache of `rows` rows × 2 heads × d = 2 with `len` positions: value 1000·row + 100·head + 10·pos + i (keys), negated (values). */
  function filled(rows: number, len: number, capacity: number): KeyValueCache {
    const c = new KeyValueCache(rows, 2, 2, capacity);
    for (let t = 0; t < len; t++) {
      const x = Tensor.zeros([rows, 1, 8]);
      for (let n = 0; n < rows; n++) for (let h = 0; h < 2; h++) for (let i = 0; i < 2; i++) {
        const v = 1000 * n + 100 * h + 10 * t + i;
        x.data[n * 8 + h * 2 + i] = v; // keys at column 0
        x.data[n * 8 + 4 + h * 2 + i] = -v; // values at column 4
      }
      c.append(x, 0, 4);
    }
    return c;
  }
  const blocks = (t: Tensor) => rowsOf(reshape(t, [t.shape[0]!, t.size / t.shape[0]!]));

  it("appends in place within its capacity and grows past it, keeping the filled positions", () => {
    const a = filled(3, 4, 4);
    const b = filled(3, 4, 1); // grows 1 → 2 → 4
    expect(a.capacity).toBe(4);
    expect(b.capacity).toBeGreaterThanOrEqual(4);
    expect(Array.from(b.read("keys").data)).toEqual(Array.from(a.read("keys").data));
    expect(a.read("keys").data[((1 * 2 + 1) * 4 + 3) * 2 + 1]).toBe(1000 + 100 + 30 + 1);
    expect(a.read("values").data[0]).toBe(-0);
  });

  it("select copies rows into a new cache; reorder moves them in place (repeats allowed)", () => {
    const c = filled(4, 3, 5);
    const keys = blocks(c.read("keys"));
    const values = blocks(c.read("values"));
    const order = Int32Array.from([2, 0, 0, 3]);
    const sel = c.select(Int32Array.from([3, 3, 1]));
    expect(blocks(sel.read("keys"))).toEqual([3, 3, 1].map((r) => keys[r]!));
    expect(blocks(c.read("keys"))).toEqual(keys); // untouched
    expect(c.reorder(order)).toBe(c);
    expect(blocks(c.read("keys"))).toEqual([...order].map((r) => keys[r]!));
    expect(blocks(c.read("values"))).toEqual([...order].map((r) => values[r]!));
    expect(() => c.reorder(Int32Array.from([0]))).toThrow(/select/);
  });

  it("scores and context read each head's block in place (q·kᵀ and w·v)", () => {
    const c = filled(2, 3, 8);
    const q = Tensor.from(Array.from({ length: 2 * 2 * 1 * 2 }, (_, i) => (i % 3) - 1), [4, 1, 2]);
    const scores = c.scores(q);
    expect(scores.shape).toEqual([4, 1, 3]);
    const k = c.read("keys").data;
    for (let b = 0; b < 4; b++) for (let p = 0; p < 3; p++) expect(scores.data[b * 3 + p]).toBe(q.data[b * 2]! * k[(b * 3 + p) * 2]! + q.data[b * 2 + 1]! * k[(b * 3 + p) * 2 + 1]!);
    const w = Tensor.from(Array.from({ length: 12 }, (_, i) => [0.5, 0.25, 0.25][i % 3]!), [4, 1, 3]);
    const ctx = c.context(w);
    const v = c.read("values").data;
    for (let b = 0; b < 4; b++) for (let i = 0; i < 2; i++) expect(ctx.data[b * 2 + i]).toBeCloseTo(0.5 * v[(b * 3) * 2 + i]! + 0.25 * v[(b * 3 + 1) * 2 + i]! + 0.25 * v[(b * 3 + 2) * 2 + i]!, 2);
  });
});
