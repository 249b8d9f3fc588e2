import { describe, expect, it } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import { matmul, matmulBlocked } from "../../src/kernels/js/matmul.js";
import { matmulDirect } from "../../src/kernels/js/matmulDirect.js";
import { seeded } from "./helpers.js";
import { check, type Impl, layouts, sizes } from "./matmulCheck.js";

/** The public entry point and both internal paths, forced (the internal ones only add into C). */
const impls: [string, Impl][] = [
  ["matmul", matmul],
  ["jsKernels.matmul", jsKernels.matmul],
  ["blocked", (a, ao, b, bo, c, co, m, n, k, ta, tb, acc) => {
    if (!acc) c.fill(0, co, co + m * n);
    matmulBlocked(a, ao, b, bo, c, co, m, n, k, ta, tb);
  }],
  ["direct", (a, ao, b, bo, c, co, m, n, k, ta, tb, acc) => {
    if (!acc) c.fill(0, co, co + m * n);
    matmulDirect(a, ao, b, bo, c, co, m, n, k, ta, tb);
  }],
];

describe("matmul kernels vs a float64 reference", () => {
  for (const [implName, impl] of impls) {
    for (const [layout, tA, tB] of layouts) {
      for (const ctor of [Float32Array, Float64Array] as const) {
        it(`${implName} ${layout} ${ctor.name}: all sizes, offsets, accumulate on/off`, () => {
          let seed = 1;
          for (const [m, k, n] of sizes) {
            for (const accumulate of [false, true]) check(impl, ctor, m, k, n, tA, tB, accumulate, seed++);
          }
        });
      }
    }
  }

  it("uses the blocked path on the benchmark shapes and stays exact on integers", () => {
    // Small integers make every product and partial sum exact in float32, so any indexing slip shows.
    for (const [layout, tA, tB] of layouts) {
      const m = 64, k = 256, n = 768;
      const rand = seeded(7);
      const a = new Float32Array(m * k).map(() => Math.floor(rand() * 7) - 3);
      const b = new Float32Array(k * n).map(() => Math.floor(rand() * 7) - 3);
      const c = new Float32Array(m * n);
      matmul(a, 0, b, 0, c, 0, m, n, k, tA, tB, false);
      const A = (i: number, p: number) => a[tA ? p * m + i : i * k + p]!;
      const B = (p: number, j: number) => b[tB ? j * k + p : p * n + j]!;
      for (let i = 0; i < m; i += 7) {
        for (let j = 0; j < n; j += 5) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
          if (c[i * n + j] !== s) throw new Error(`${layout} C[${i},${j}] = ${c[i * n + j]} vs ${s}`);
        }
      }
    }
  });

  it("k = 0 gives zeros (or leaves C alone when accumulating); m or n = 0 writes nothing", () => {
    const c = new Float32Array([1, 2, 3, 4]);
    matmul(new Float32Array(0), 0, new Float32Array(0), 0, c, 0, 2, 2, 0, false, false, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    matmul(new Float32Array(0), 0, new Float32Array(0), 0, c, 0, 2, 2, 0, false, false, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const d = new Float32Array([5, 6]);
    matmul(new Float32Array(4), 0, new Float32Array(4), 0, d, 0, 0, 2, 2, false, false, false);
    matmul(new Float32Array(4), 0, new Float32Array(4), 0, d, 0, 2, 0, 2, false, false, false);
    expect(Array.from(d)).toEqual([5, 6]);
  });

  it("propagates NaN and Infinity from B even where A is zero", () => {
    for (const [, tA, tB] of layouts) {
      const a = new Float32Array(16 * 16); // all zeros
      const b = new Float32Array(16 * 16).fill(1);
      b[0] = NaN;
      const c = new Float32Array(16 * 16);
      matmul(a, 0, b, 0, c, 0, 16, 16, 16, tA, tB, false);
      expect(c.some(Number.isNaN)).toBe(true);
    }
  });

  it("reuses scratch across calls of very different shapes", () => {
    // Grow-only scratch: a big call, then small ones, then big again, must all stay correct.
    const shapes: [number, number, number][] = [[40, 300, 50], [5, 9, 6], [33, 17, 70], [40, 300, 50]];
    let seed = 100;
    for (const [m, k, n] of shapes) check(matmul, Float32Array, m, k, n, false, true, false, seed++);
  });
});
