/**
 * Conformance of the cross-entropy kernels (crossEntropyRows, crossEntropyBackwardRows): every
 * fast kernel set against the js reference within float32 tolerance on edge shapes (cols = 1, odd,
 * not a multiple of 4), with ignored rows (and all rows ignored), label smoothing and logits of
 * ±1000, accumulating and writing (in place) backwards; bitwise identical whether the arrays live
 * in kernel memory or on the JS heap, bitwise reproducible, and row-position independent.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const COLS = [1, 2, 3, 4, 5, 7, 8, 9, 13, 64, 257, 1001];
const ROWS = [1, 4, 17];
const IGNORE = -100;

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));
const heap = (a: Float32Array) => a.slice();
const mem = (a: Float32Array) => inKernelMemory(arena, a);

interface Case { x: Float32Array; t: Int32Array; dx0: Float32Array; rows: number; cols: number }

/** Random logits and targets; about a quarter of the rows ignored (padding). */
function makeCase(rows: number, cols: number, seed: number, scale = 6, ignoreAll = false): Case {
  const rand = seeded(seed);
  const t = new Int32Array(rows);
  for (let r = 0; r < rows; r++) t[r] = ignoreAll || (r > 0 && rand() < 0.25) ? IGNORE : Math.floor(rand() * cols);
  return { x: f32(rows * cols, rand, -scale, scale), t, dx0: f32(rows * cols, rand, -0.1, 0.1), rows, cols };
}

/** Forward, then the backward both accumulating into dx0 and in place over a copy of the logits. */
function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array, eps: number, scale = 0.37) {
  const { rows, cols } = c;
  const x = place(c.x);
  const lse = place(new Float32Array(rows).fill(NaN)), loss = place(new Float32Array(rows).fill(NaN));
  k.crossEntropyRows(x, c.t, lse, loss, rows, cols, IGNORE, eps);
  const dAcc = place(c.dx0);
  k.crossEntropyBackwardRows(x, c.t, lse, dAcc, rows, cols, IGNORE, eps, scale, true);
  const dIn = place(c.x);
  k.crossEntropyBackwardRows(dIn, c.t, lse, dIn, rows, cols, IGNORE, eps, scale, false);
  return { lse, loss, dAcc, dIn };
}
const KEYS = ["lse", "loss", "dAcc", "dIn"] as const;

describe.each(sets)("cross-entropy kernels: $name", ({ kernels: k }) => {
  it("match the js reference on edge shapes, with ignored rows and label smoothing", () => {
    let seed = 1;
    for (const eps of [0, 0.1, 1]) {
      for (const cols of COLS) {
        for (const rows of ROWS) {
          const c = makeCase(rows, cols, seed++);
          const want = run(js, c, heap, eps);
          const got = run(k, c, heap, eps);
          const what = `rows=${rows} cols=${cols} ε=${eps}`;
          expect(worstRelErr(got.lse, want.lse, 2e-6, 2e-6), `lse ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.loss, want.loss, 4e-6, 1e-5), `loss ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.dAcc, want.dAcc, 1e-6, 1e-5), `accumulated gradient ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.dIn, want.dIn, 1e-6, 1e-5), `in-place gradient ${what}`).toBeLessThanOrEqual(1);
          // Ignored rows: no loss, untouched when accumulating, zero when written.
          for (let r = 0; r < rows; r++) {
            if (c.t[r] !== IGNORE) continue;
            expect(got.loss[r]).toBe(0);
            expect(Array.from(got.dAcc.subarray(r * cols, (r + 1) * cols))).toEqual(Array.from(c.dx0.subarray(r * cols, (r + 1) * cols)));
            expect(got.dIn.subarray(r * cols, (r + 1) * cols).every((v) => v === 0)).toBe(true);
          }
        }
      }
    }
  });

  it("give zeros, never NaN, when every row is ignored", () => {
    const c = makeCase(5, 9, 3, 6, true);
    const got = run(k, c, heap, 0.1);
    expect(got.loss.every((v) => v === 0) && got.lse.every((v) => v === 0)).toBe(true);
    expect(bits(got.dAcc)).toEqual(bits(c.dx0));
    expect(got.dIn.every((v) => v === 0)).toBe(true);
  });

  it("are stable for logits of ±1000", () => {
    for (const cols of [2, 3, 8, 11]) {
      const c = makeCase(6, cols, 50 + cols);
      for (let i = 0; i < c.x.length; i++) c.x[i] = i % 3 === 0 ? 1000 : i % 3 === 1 ? -1000 : c.x[i]! * 100;
      for (const eps of [0, 0.1]) {
        const want = run(js, c, heap, eps);
        const got = run(k, c, heap, eps);
        for (const key of KEYS) expect(got[key].every(Number.isFinite), key).toBe(true);
        expect(worstRelErr(got.loss, want.loss, 1e-3, 1e-5), `loss cols=${cols}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.dIn, want.dIn, 1e-6, 1e-4), `gradient cols=${cols}`).toBeLessThanOrEqual(1);
      }
    }
    // −log softmax of [−1000, −1000] at class 0 is log 2 exactly as in float64.
    const loss = new Float32Array(1);
    k.crossEntropyRows(new Float32Array([-1000, -1000]), Int32Array.from([0]), new Float32Array(1), loss, 1, 2, IGNORE, 0);
    expect(loss[0]).toBeCloseTo(Math.LN2, 6);
  });

  it("accept empty input", () => {
    const z = new Float32Array(0);
    k.crossEntropyRows(z, new Int32Array(0), z, z, 0, 7, IGNORE, 0.1);
    k.crossEntropyBackwardRows(z, new Int32Array(0), z, z, 0, 7, IGNORE, 0.1, 1, true);
  });

  it("give the same bits in kernel memory and on the JS heap, run after run", () => {
    for (const [rows, cols] of [[5, 13], [3, 64], [17, 1001]] as const) {
      const c = makeCase(rows, cols, rows * cols);
      for (const eps of [0, 0.1]) {
        const a = run(k, c, heap, eps), b = run(k, c, mem, eps), again = run(k, c, mem, eps);
        for (const key of KEYS) {
          expect(bits(b[key]), key).toEqual(bits(a[key]));
          expect(bits(again[key]), key).toEqual(bits(a[key]));
        }
      }
    }
  });

  it("give a row alone the bits it has inside a batch", () => {
    for (const cols of [1, 5, 8, 13, 257]) {
      const rows = 7;
      const c = makeCase(rows, cols, 100 + cols);
      const batch = run(k, c, heap, 0.1);
      for (let r = 0; r < rows; r++) {
        const at = (a: Float32Array, w = cols) => a.slice(r * w, (r + 1) * w);
        const one = run(k, { x: at(c.x), t: c.t.slice(r, r + 1), dx0: at(c.dx0), rows: 1, cols }, heap, 0.1);
        expect(bits(one.lse), `lse row ${r}`).toEqual(bits(at(batch.lse, 1)));
        expect(bits(one.loss), `loss row ${r}`).toEqual(bits(at(batch.loss, 1)));
        expect(bits(one.dAcc), `dAcc row ${r}`).toEqual(bits(at(batch.dAcc)));
        expect(bits(one.dIn), `dIn row ${r}`).toEqual(bits(at(batch.dIn)));
      }
    }
  });
});
