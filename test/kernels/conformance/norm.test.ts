/**
 * Conformance of the layer-norm kernels (layerNormForward, layerNormBackward): every fast kernel
 * set against the js reference within float32 tolerance on edge shapes, bitwise identical
 * whether the arrays live in kernel memory or on the JS heap, bitwise reproducible, and
 * row-position independent (a row normalised alone gives the same bits as inside a batch).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const COLS = [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 257];
const ROWS = [1, 2, 5, 17];

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));

interface Case {
  x: Float32Array; w: Float32Array; b: Float32Array; dy: Float32Array;
  dx0: Float32Array; dw0: Float32Array; db0: Float32Array; rows: number; cols: number;
}

function makeCase(rows: number, cols: number, seed: number, shift = 0): Case {
  const rand = seeded(seed);
  const x = f32(rows * cols, rand, -2 + shift, 2 + shift);
  return {
    x, w: f32(cols, rand, 0.5, 1.5), b: f32(cols, rand, -0.5, 0.5), dy: f32(rows * cols, rand),
    dx0: f32(rows * cols, rand, -0.1, 0.1), dw0: f32(cols, rand, -0.1, 0.1), db0: f32(cols, rand, -0.1, 0.1), rows, cols,
  };
}

/** Forward then backward with set k; arrays placed by `place` (JS heap copy or kernel memory). */
function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array, sinks = { dx: true, dw: true, db: true }) {
  const { rows, cols } = c;
  const x = place(c.x), w = place(c.w), b = place(c.b), dy = place(c.dy);
  const out = place(new Float32Array(rows * cols)), mean = place(new Float32Array(rows)), rstd = place(new Float32Array(rows));
  k.layerNormForward(x, w, b, out, mean, rstd, rows, cols, 1e-5);
  const dx = sinks.dx ? place(c.dx0) : null, dw = sinks.dw ? place(c.dw0) : null, db = sinks.db ? place(c.db0) : null;
  k.layerNormBackward(dy, x, mean, rstd, w, dx, dw, db, rows, cols);
  return { out, mean, rstd, dx, dw, db };
}

const heap = (a: Float32Array) => a.slice();

describe.each(sets)("layer norm kernels: $name", ({ kernels: k }) => {
  it("matches the js reference on edge shapes (forward and backward, accumulating)", () => {
    let seed = 1;
    for (const rows of ROWS) {
      for (const cols of COLS) {
        for (const shift of [0, 10]) {
          const c = makeCase(rows, cols, seed++, shift);
          const want = run(js, c, heap);
          const got = run(k, c, heap);
          const what = `rows=${rows} cols=${cols} shift=${shift}`;
          expect(worstRelErr(got.mean, want.mean, 1e-6, 1e-6), `mean ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.rstd, want.rstd, 1e-6, 2e-5), `rstd ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.out, want.out, 2e-5, 2e-5), `out ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.dx!, want.dx!, 1e-4, 1e-4), `dx ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.dw!, want.dw!, 1e-6 * (rows + 1), 1e-5), `dw ${what}`).toBeLessThanOrEqual(1);
          expect(worstRelErr(got.db!, want.db!, 2e-6 * rows, 1e-6), `db ${what}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("leaves absent gradient sinks alone and handles rows = 0", () => {
    const c = makeCase(3, 9, 77);
    const all = run(k, c, heap);
    const onlyX = run(k, c, heap, { dx: true, dw: false, db: false });
    const onlyW = run(k, c, heap, { dx: false, dw: true, db: false });
    expect(bits(onlyX.dx!)).toEqual(bits(all.dx!));
    expect(bits(onlyW.dw!)).toEqual(bits(all.dw!));
    const e = new Float32Array(0);
    k.layerNormForward(e, c.w, c.b, e, e, e, 0, 9, 1e-5);
    k.layerNormBackward(e, e, e, e, c.w, e, null, null, 0, 9);
  });

  it("is bitwise identical in kernel memory and on the JS heap, and run to run", () => {
    for (const cols of [5, 8, 31, 257]) {
      const c = makeCase(7, cols, 300 + cols);
      const a = run(k, c, heap);
      const b = run(k, c, (x) => inKernelMemory(arena, x));
      const again = run(k, c, heap);
      for (const key of ["out", "mean", "rstd", "dx", "dw", "db"] as const) {
        expect(bits(b[key]!), `${key} cols=${cols}`).toEqual(bits(a[key]!));
        expect(bits(again[key]!), `${key} cols=${cols}`).toEqual(bits(a[key]!));
      }
    }
  });

  it("is row-position independent: a row alone gives the same bits as inside a batch", () => {
    for (const cols of [3, 9, 64, 257]) {
      const rows = 6;
      const c = makeCase(rows, cols, 500 + cols);
      const batch = run(k, c, heap, { dx: true, dw: false, db: false });
      for (const r of [0, 3, rows - 1]) {
        const row = (a: Float32Array) => a.slice(r * cols, (r + 1) * cols);
        const one: Case = { ...c, x: row(c.x), dy: row(c.dy), dx0: row(c.dx0), rows: 1 };
        const alone = run(k, one, (x) => inKernelMemory(arena, x), { dx: true, dw: false, db: false });
        expect(bits(alone.out), `out row ${r} cols=${cols}`).toEqual(bits(row(batch.out)));
        expect(bits(alone.dx!), `dx row ${r} cols=${cols}`).toEqual(bits(row(batch.dx!)));
        expect(bits(alone.mean)).toEqual([bits(batch.mean)[r]]);
        expect(bits(alone.rstd)).toEqual([bits(batch.rstd)[r]]);
      }
    }
  });

  it("falls back to the js reference for Float64Array storage", () => {
    const rand = seeded(4);
    const rows = 3, cols = 7;
    const x = randomArray(Float64Array, rows * cols, rand), w = randomArray(Float64Array, cols, rand), b = randomArray(Float64Array, cols, rand);
    const o1 = new Float64Array(rows * cols), o2 = new Float64Array(rows * cols);
    k.layerNormForward(x, w, b, o1, new Float64Array(rows), new Float64Array(rows), rows, cols, 1e-5);
    js.layerNormForward(x, w, b, o2, new Float64Array(rows), new Float64Array(rows), rows, cols, 1e-5);
    expect(Array.from(o1)).toEqual(Array.from(o2));
  });
});
