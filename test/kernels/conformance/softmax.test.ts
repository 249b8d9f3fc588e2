/**
 * Conformance of the row softmax kernels (softmaxRows, logSoftmaxRows and their backwards): every
 * fast kernel set against the js reference within float32 tolerance on edge shapes (cols = 1, odd,
 * not a multiple of 4), with masks, fully masked rows (zeros / −∞, never NaN) and logits of ±1000;
 * bitwise identical whether the arrays live in kernel memory or on the JS heap, bitwise
 * reproducible, and row-position independent (a row computed alone has the bits it has in a batch).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const COLS = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 31, 64, 257, 1001];
const ROWS = [1, 3, 17];

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));
const heap = (a: Float32Array) => a.slice();
const mem = (a: Float32Array) => inKernelMemory(arena, a);
/** worstRelErr where equal entries (e.g. both −∞) count as exact. */
const relErr = (a: Float32Array, b: Float32Array, atol: number, rtol: number) =>
  worstRelErr(Array.from(a, (v, i) => (v === b[i] ? 0 : v)), Array.from(b, (v, i) => (v === a[i] ? 0 : v)), atol, rtol);

interface Case {
  x: Float32Array; dy: Float32Array; dx0: Float32Array; mask: Uint8Array | null; rows: number; cols: number;
}

/** Random logits; with `masked`, ~30% masked entries, every third row fully masked. */
function makeCase(rows: number, cols: number, seed: number, masked: boolean, scale = 6): Case {
  const rand = seeded(seed);
  const n = rows * cols;
  let mask: Uint8Array | null = null;
  if (masked) {
    mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = rand() < 0.3 ? 1 : 0;
    for (let r = 2; r < rows; r += 3) mask.fill(1, r * cols, (r + 1) * cols);
  }
  return { x: f32(n, rand, -scale, scale), dy: f32(n, rand), dx0: f32(n, rand, -0.1, 0.1), mask, rows, cols };
}

/** Every kernel of the family with set k; arrays placed by `place`. The backwards read the set's own outputs. */
function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array) {
  const { rows, cols } = c;
  const n = rows * cols;
  const x = place(c.x), dy = place(c.dy);
  const sm = place(new Float32Array(n).fill(NaN)), lsm = place(new Float32Array(n).fill(NaN));
  k.softmaxRows(x, sm, rows, cols, c.mask);
  k.logSoftmaxRows(x, lsm, rows, cols, c.mask);
  const dsm = place(c.dx0), dlsm = place(c.dx0);
  k.softmaxBackwardRows(sm, dy, dsm, rows, cols);
  k.logSoftmaxBackwardRows(lsm, dy, dlsm, rows, cols);
  return { sm, lsm, dsm, dlsm };
}

/** Backwards of both sets on the same (reference) forward outputs, to compare the backward kernels alone. */
function runBackward(k: Kernels, c: Case, sm: Float32Array, lsm: Float32Array) {
  const dsm = c.dx0.slice(), dlsm = c.dx0.slice();
  k.softmaxBackwardRows(sm, c.dy, dsm, c.rows, c.cols);
  k.logSoftmaxBackwardRows(lsm, c.dy, dlsm, c.rows, c.cols);
  return { dsm, dlsm };
}

describe.each(sets)("softmax kernels: $name", ({ kernels: k }) => {
  it("match the js reference on edge shapes, with and without masks", () => {
    let seed = 1;
    for (const masked of [false, true]) {
      for (const cols of COLS) {
        for (const rows of ROWS) {
          const c = makeCase(rows, cols, seed++, masked);
          const want = run(js, c, heap);
          const got = run(k, c, heap);
          const what = `rows=${rows} cols=${cols}${masked ? " masked" : ""}`;
          expect(relErr(got.sm, want.sm, 1e-7, 1e-5), `softmax ${what}`).toBeLessThanOrEqual(1);
          expect(relErr(got.lsm, want.lsm, 2e-6, 1e-5), `logSoftmax ${what}`).toBeLessThanOrEqual(1);
          // Backwards on the same input: y ⊙ (dy − dot) and dy − e^y Σdy.
          const a = runBackward(js, c, want.sm, want.lsm);
          const b = runBackward(k, c, want.sm, want.lsm);
          expect(relErr(b.dsm, a.dsm, 1e-6, 1e-5), `softmax backward ${what}`).toBeLessThanOrEqual(1);
          expect(relErr(b.dlsm, a.dlsm, 1e-6 * Math.sqrt(cols), 1e-5), `logSoftmax backward ${what}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("give masked entries exactly 0 / −∞ and fully masked rows zeros, never NaN", () => {
    const c = makeCase(9, 13, 5, true);
    const got = run(k, c, heap);
    for (let i = 0; i < c.x.length; i++) {
      if (c.mask![i]) {
        expect(Object.is(got.sm[i], 0)).toBe(true);
        expect(got.lsm[i]).toBe(-Infinity);
        // masked entries of the log-softmax get no gradient
        expect(got.dlsm[i]).toBe(c.dx0[i]);
      }
      expect(Number.isNaN(got.sm[i]!) || Number.isNaN(got.dsm[i]!) || Number.isNaN(got.dlsm[i]!)).toBe(false);
    }
    for (const r of [2, 5, 8]) expect(Array.from(got.sm.subarray(r * 13, r * 13 + 13)).every((v) => v === 0)).toBe(true);
    // A masked huge logit does not leak into its row.
    const out = new Float32Array(3);
    k.softmaxRows(new Float32Array([1000, 0, 0]), out, 1, 3, new Uint8Array([1, 0, 0]));
    expect(Array.from(out)).toEqual([0, 0.5, 0.5]);
    // An unmasked row of −∞ is all zeros too.
    k.softmaxRows(new Float32Array([-Infinity, -Infinity]), out, 1, 2, null);
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 0]);
  });

  it("are stable for logits of ±1000", () => {
    for (const cols of [2, 3, 8, 11]) {
      const c = makeCase(4, cols, 40 + cols, false);
      for (let i = 0; i < c.x.length; i++) c.x[i] = i % 3 === 0 ? 1000 : i % 3 === 1 ? -1000 : c.x[i]! * 100;
      const want = run(js, c, heap);
      const got = run(k, c, heap);
      expect(relErr(got.sm, want.sm, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
      expect(relErr(got.lsm, want.lsm, 1e-4, 1e-6)).toBeLessThanOrEqual(1);
      expect(got.dsm.every(Number.isFinite) && got.dlsm.every(Number.isFinite)).toBe(true);
    }
    const two = new Float32Array(2);
    k.logSoftmaxRows(new Float32Array([-1000, -1000]), two, 1, 2, null);
    expect(two[0]).toBeCloseTo(-Math.LN2, 6);
  });

  it("accept empty input", () => {
    const z = new Float32Array(0);
    k.softmaxRows(z, z, 0, 5, null);
    k.logSoftmaxRows(z, z, 3, 0, null);
    k.softmaxBackwardRows(z, z, z, 0, 4);
    k.logSoftmaxBackwardRows(z, z, z, 0, 4);
  });

  it("give the same bits in kernel memory and on the JS heap, run after run", () => {
    for (const [rows, cols, masked] of [[5, 13, true], [3, 64, false], [17, 1001, true]] as const) {
      const c = makeCase(rows, cols, rows * cols, masked);
      const a = run(k, c, heap);
      const b = run(k, c, mem);
      const again = run(k, c, mem);
      for (const key of ["sm", "lsm", "dsm", "dlsm"] as const) {
        expect(bits(b[key]), key).toEqual(bits(a[key]));
        expect(bits(again[key]), key).toEqual(bits(a[key]));
      }
    }
  });

  it("give a row padded with masked columns the bits of the unpadded row (batches of 1 and of many agree)", () => {
    for (const len of [1, 2, 3, 4, 5, 7, 9, 13, 30]) {
      const c = makeCase(1, len, 300 + len, false);
      const alone = run(k, { ...c, mask: new Uint8Array(len) }, heap);
      for (const cols of [len + 1, len + 3, len + 4, 4 * len + 5]) {
        const pad = (a: Float32Array, v: number) => {
          const out = new Float32Array(cols).fill(v);
          out.set(a);
          return out;
        };
        const mask = new Uint8Array(cols).fill(1, len);
        const padded = run(k, { x: pad(c.x, 123), dy: pad(c.dy, 0), dx0: pad(c.dx0, 0), mask, rows: 1, cols }, heap);
        for (const key of ["sm", "lsm", "dsm", "dlsm"] as const) {
          expect(bits(padded[key].subarray(0, len)), `${key} len=${len} cols=${cols}`).toEqual(bits(alone[key]));
        }
      }
    }
  });

  it("give a row alone the bits it has inside a batch", () => {
    for (const cols of [1, 5, 8, 13, 257]) {
      const c = makeCase(7, cols, 100 + cols, true);
      const batch = run(k, c, heap);
      for (let r = 0; r < 7; r++) {
        const at = <T extends Float32Array | Uint8Array>(a: T) => a.slice(r * cols, (r + 1) * cols) as T;
        const one = run(k, { x: at(c.x), dy: at(c.dy), dx0: at(c.dx0), mask: at(c.mask!), rows: 1, cols }, heap);
        for (const key of ["sm", "lsm", "dsm", "dlsm"] as const) expect(bits(one[key]), `${key} row ${r}`).toEqual(bits(at(batch[key])));
      }
    }
  });
});
