import { describe, expect, it } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import { matmul, matmulBlocked } from "../../src/kernels/js/matmul.js";
import { matmulDirect } from "../../src/kernels/js/matmulDirect.js";
import { type Ctor, randomArray, seeded } from "./helpers.js";

type Impl = (
  a: Float32Array | Float64Array, aOff: number,
  b: Float32Array | Float64Array, bOff: number,
  c: Float32Array | Float64Array, cOff: number,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
) => void;

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

const layouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false], ["TT", true, true]];

/** [m, k, n]: degenerate, odd, not multiples of the 4×4 tile, m above the 64-row block, k above the 256 depth block. */
const sizes: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [17, 33, 65], [4, 4, 4], [5, 9, 3], [2, 40, 9], [9, 40, 2], [6, 7, 31],
  [70, 13, 6], [13, 300, 11], [67, 260, 19],
];

const GUARD = 12345;

interface Case {
  a: Float32Array | Float64Array; b: Float32Array | Float64Array; c: Float32Array | Float64Array;
  aOff: number; bOff: number; cOff: number; c0: Float64Array; expected: Float64Array; absBound: Float64Array;
}

/** Random operands at offsets inside larger arrays, C pre-filled, and the float64 reference. */
function makeCase(ctor: Ctor, m: number, k: number, n: number, tA: boolean, tB: boolean, accumulate: boolean, seed: number): Case {
  const rand = seeded(seed);
  const aOff = 3, bOff = 5, cOff = 7;
  const a = randomArray(ctor, aOff + m * k + 2, rand);
  const b = randomArray(ctor, bOff + k * n + 2, rand);
  const c = new ctor(cOff + m * n + 4).fill(GUARD);
  for (let i = 0; i < m * n; i++) c[cOff + i] = rand() * 2 - 1;
  const c0 = Float64Array.from(c.subarray(cOff, cOff + m * n));
  const A = (i: number, p: number) => a[aOff + (tA ? p * m + i : i * k + p)]!;
  const B = (p: number, j: number) => b[bOff + (tB ? j * k + p : p * n + j)]!;
  const expected = new Float64Array(m * n);
  const absBound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c0[i * n + j]! : 0;
      let bound = Math.abs(s);
      for (let p = 0; p < k; p++) {
        s += A(i, p) * B(p, j);
        bound += Math.abs(A(i, p) * B(p, j));
      }
      expected[i * n + j] = s;
      absBound[i * n + j] = bound;
    }
  }
  return { a, b, c, aOff, bOff, cOff, c0, expected, absBound };
}

function check(impl: Impl, ctor: Ctor, m: number, k: number, n: number, tA: boolean, tB: boolean, accumulate: boolean, seed: number): void {
  const t = makeCase(ctor, m, k, n, tA, tB, accumulate, seed);
  const aCopy = t.a.slice();
  const bCopy = t.b.slice();
  impl(t.a, t.aOff, t.b, t.bOff, t.c, t.cOff, m, n, k, tA, tB, accumulate);
  // float32: inputs are exact, sums run in float64, so a few float32 roundings of the result per
  // depth block; float64: a few ulps of the sum of magnitudes.
  const rel = ctor === Float32Array ? 4e-7 * (1 + Math.ceil(k / 256)) : 1e-14;
  for (let i = 0; i < m * n; i++) {
    const got = t.c[t.cOff + i]!;
    const err = Math.abs(got - t.expected[i]!);
    if (!(err <= rel * (t.absBound[i]! + 1e-30))) {
      throw new Error(`C[${i}] = ${got}, expected ${t.expected[i]} (err ${err}, bound ${rel * t.absBound[i]!})`);
    }
  }
  for (let i = 0; i < t.cOff; i++) expect(t.c[i]).toBe(GUARD);
  for (let i = t.cOff + m * n; i < t.c.length; i++) expect(t.c[i]).toBe(GUARD);
  expect(t.a).toEqual(aCopy);
  expect(t.b).toEqual(bCopy);
}

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
