/**
 * Conformance of Kernels.matmul: every fast kernel set against a float64 reference (what the js
 * reference computes) in all four layouts, accumulating or not, on edge shapes (1×1×1, one row,
 * depth 1, odd sizes, not multiples of the register tile, depth above the kernel's depth block,
 * depth 0) at non-zero offsets; bitwise identical whether operands live in kernel memory or on
 * the JS heap, bitwise reproducible, and free of shape effects: each row of a 37-row product has
 * the bits of the same row computed alone, and each column block the bits of the full product's
 * columns. The plain SIMD set is also checked bit for bit against the order the kernel promises
 * (acc = C or 0, then acc = fl(fl(a·b) + acc) for p = 0 … k−1).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { type Ctor, randomArray, seeded } from "../helpers.js";
import { check, layouts } from "../matmulCheck.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const arena = new Arena();
afterEach(() => arena.reset());

/** Float32 error bound: (k + 2) roundings of the sum of magnitudes (k·2⁻²³·Σ|a·b| plus the start and end). */
const f32Tol = (k: number) => 2 ** -23 * (k + 2);

/**
 * [m, k, n]: 1×1×1, single rows and columns, depth 1, odd sizes, not multiples of 4, 6 or 8,
 * a few rows (the small-m path) with ragged columns, depth above the 256 depth block, rows above
 * the 128-row block.
 */
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 33], [1, 300, 70], [1, 5, 3], [2, 3, 9], [3, 17, 40], [4, 9, 31], [5, 9, 3], [6, 7, 31],
  [7, 7, 7], [8, 1, 8], [9, 1, 20], [9, 40, 2], [13, 300, 11], [17, 33, 65], [37, 120, 45], [67, 260, 19],
  [70, 13, 6], [100, 1, 3], [3, 513, 37], [2, 600, 9], [65, 530, 17], [4, 4, 4], [64, 64, 64], [130, 270, 21],
];

const f32 = (n: number, rand: () => number) => randomArray(Float32Array, n, rand) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const mem = (a: Float32Array) => inKernelMemory(arena, a);

interface Operands {
  a: Float32Array; b: Float32Array; c: Float32Array; m: number; k: number; n: number; tA: boolean; tB: boolean;
}

function operands(m: number, k: number, n: number, tA: boolean, tB: boolean, seed: number): Operands {
  const rand = seeded(seed);
  return { a: f32(m * k, rand), b: f32(k * n, rand), c: f32(m * n, rand), m, k, n, tA, tB };
}

/** op(A)·op(B) (+ C) with set k; operands placed by `place`, C a fresh copy. */
function product(K: Kernels, o: Operands, accumulate: boolean, place: (a: Float32Array) => Float32Array = (a) => a.slice()): Float32Array {
  const c = place(o.c);
  K.matmul(place(o.a), 0, place(o.b), 0, c, 0, o.m, o.n, o.k, o.tA, o.tB, accumulate);
  return c.slice();
}

/** The order the kernel promises, in float32 with separate rounding of product and sum (the plain SIMD build). */
function sequential(o: Operands, accumulate: boolean): Float32Array {
  const { a, b, m, k, n, tA, tB } = o;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? o.c[i * n + j]! : 0;
      for (let p = 0; p < k; p++) s = Math.fround(Math.fround(a[tA ? p * m + i : i * k + p]! * b[tB ? j * k + p : p * n + j]!) + s);
      out[i * n + j] = s;
    }
  }
  return out;
}

describe.each(sets)("matmul: $name", ({ name, kernels: K }) => {
  for (const [layout, tA, tB] of layouts) {
    it(`${layout}: matches the float64 reference on edge shapes, at offsets, accumulating or not`, () => {
      let seed = 1;
      for (const [m, k, n] of SHAPES) {
        for (const accumulate of [false, true]) check(K.matmul, Float32Array, m, k, n, tA, tB, accumulate, seed++, f32Tol(k));
      }
    });
  }

  it("agrees with the js reference kernel within float32 tolerance", () => {
    let seed = 300;
    for (const [, tA, tB] of layouts) {
      for (const [m, k, n] of [[37, 120, 45], [1, 300, 70], [64, 256, 96]] as const) {
        const o = operands(m, k, n, tA, tB, seed++);
        const got = product(K, o, true);
        const want = product(reference.kernels, o, true);
        for (let i = 0; i < m * n; i++) {
          let mag = Math.abs(o.c[i]!);
          const r = Math.floor(i / n), j = i % n;
          for (let p = 0; p < k; p++) mag += Math.abs(o.a[tA ? p * m + r : r * k + p]! * o.b[tB ? j * k + p : p * n + j]!);
          expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(f32Tol(k) * mag);
        }
      }
    }
  });

  it("k = 0 gives zeros, or leaves C alone when accumulating; m or n = 0 writes nothing", () => {
    for (const place of [(a: Float32Array) => a, mem]) {
      const c = place(new Float32Array([1, 2, 3, 4]));
      K.matmul(place(new Float32Array(1)), 0, place(new Float32Array(1)), 0, c, 0, 2, 2, 0, false, false, true);
      expect(Array.from(c)).toEqual([1, 2, 3, 4]);
      K.matmul(place(new Float32Array(1)), 0, place(new Float32Array(1)), 0, c, 0, 2, 2, 0, true, true, false);
      expect(Array.from(c)).toEqual([0, 0, 0, 0]);
      const d = place(new Float32Array([5, 6]));
      K.matmul(place(new Float32Array(4)), 0, place(new Float32Array(4)), 0, d, 0, 0, 2, 2, false, false, false);
      K.matmul(place(new Float32Array(4)), 0, place(new Float32Array(4)), 0, d, 0, 2, 0, 2, false, false, false);
      expect(Array.from(d)).toEqual([5, 6]);
    }
  });

  it("propagates NaN and Infinity from B even where A is zero", () => {
    for (const [, tA, tB] of layouts) {
      for (const [m, k, n] of [[16, 16, 16], [1, 16, 16], [5, 9, 13]] as const) {
        const a = new Float32Array(m * k);
        const b = new Float32Array(k * n).fill(1);
        b[0] = NaN;
        b[b.length - 1] = Infinity;
        const c = new Float32Array(m * n);
        K.matmul(a, 0, b, 0, c, 0, m, n, k, tA, tB, false);
        expect(c.some(Number.isNaN)).toBe(true);
      }
    }
  });

  it("gives the same bits with operands in kernel memory or on the JS heap, at offsets too, run after run", () => {
    let seed = 500;
    for (const [, tA, tB] of layouts) {
      for (const [m, k, n] of [[37, 300, 45], [1, 33, 70], [6, 257, 13]] as const) {
        for (const accumulate of [false, true]) {
          const o = operands(m, k, n, tA, tB, seed++);
          const heap = product(K, o, accumulate);
          expect(bits(product(K, o, accumulate, mem))).toEqual(bits(heap));
          expect(bits(product(K, o, accumulate))).toEqual(bits(heap));
          // The same product at element offsets inside bigger arrays, in kernel memory.
          const a = mem(new Float32Array(o.a.length + 3)), b = mem(new Float32Array(o.b.length + 5));
          const c = mem(new Float32Array(o.c.length + 7));
          a.set(o.a, 3);
          b.set(o.b, 5);
          c.set(o.c, 7);
          K.matmul(a, 3, b, 5, c, 7, m, n, k, tA, tB, accumulate);
          expect(bits(c.slice(7))).toEqual(bits(heap));
        }
      }
    }
  });

  it("row-position independent: each row of a 37-row product has the bits of that row computed alone", () => {
    let seed = 700;
    for (const [layout, tA, tB] of layouts) {
      for (const accumulate of [false, true]) {
        const m = 37, k = 300, n = 45;
        const o = operands(m, k, n, tA, tB, seed++);
        const full = product(K, o, accumulate, mem);
        for (let i = 0; i < m; i++) {
          // Row i of op(A) as a 1×k operand: a slice for A, a gathered column for stored Aᵀ (k×1).
          const row = tA ? Float32Array.from({ length: k }, (_, p) => o.a[p * m + i]!) : o.a.slice(i * k, (i + 1) * k);
          const one: Operands = { ...o, a: row, c: o.c.slice(i * n, (i + 1) * n), m: 1 };
          expect(bits(product(K, one, accumulate, mem)), `${layout} row ${i}`).toEqual(bits(full.subarray(i * n, (i + 1) * n)));
        }
      }
    }
  });

  it("column-block independent: each column block has the bits of those columns of the full product", () => {
    let seed = 900;
    for (const [layout, tA, tB] of layouts) {
      for (const [m, k, n] of [[37, 300, 45], [3, 70, 45]] as const) {
        const o = operands(m, k, n, tA, tB, seed++);
        const full = product(K, o, true, mem);
        for (const [j0, j1] of [[0, 16], [16, 21], [21, 45], [3, 4], [0, 45]] as const) {
          const nb = j1 - j0;
          const colsOfB = Float32Array.from({ length: k * nb }, (_, t) => {
            // op(B) columns j0..j1 in the same layout: stored k×nb (N) or nb×k (T).
            if (tB) return o.b[(j0 + Math.floor(t / k)) * k + (t % k)]!;
            return o.b[Math.floor(t / nb) * n + j0 + (t % nb)]!;
          });
          const cBlock = Float32Array.from({ length: m * nb }, (_, t) => o.c[Math.floor(t / nb) * n + j0 + (t % nb)]!);
          const got = product(K, { ...o, b: colsOfB, c: cBlock, n: nb }, true, mem);
          const want = Float32Array.from({ length: m * nb }, (_, t) => full[Math.floor(t / nb) * n + j0 + (t % nb)]!);
          expect(bits(got), `${layout} ${m}×${k}×${n} columns ${j0}..${j1}`).toEqual(bits(want));
        }
      }
    }
  });

  // Only the plain SIMD build has a sequential float32 sum to compare with bit for bit (JS has
  // no float32 fused multiply-add to model wasm-fma's order exactly).
  if (name === "wasm") it("sums each entry in the promised order (plain SIMD: bit-exact with a sequential float32 sum)", () => {
    let seed = 1100;
    for (const [layout, tA, tB] of layouts) {
      for (const [m, k, n] of [[1, 1, 1], [1, 300, 70], [5, 9, 13], [37, 120, 45], [67, 260, 19], [3, 513, 37], [130, 270, 21], [133, 300, 530]] as const) { // the last spans several row, depth and column blocks
        for (const accumulate of [false, true]) {
          const o = operands(m, k, n, tA, tB, seed++);
          expect(bits(product(K, o, accumulate, mem)), `${layout} ${m}×${k}×${n}`).toEqual(bits(sequential(o, accumulate)));
        }
      }
    }
  });

  it("float64 storage stays on the js reference (exact float64 sums)", () => {
    let seed = 1300;
    for (const [, tA, tB] of layouts) {
      for (const [m, k, n] of [[3, 5, 7], [13, 300, 11]] as const) check(K.matmul, Float64Array as Ctor, m, k, n, tA, tB, true, seed++);
    }
  });
});
