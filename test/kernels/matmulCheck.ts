import { expect } from "vitest";
import { type Ctor, randomArray, seeded } from "./helpers.js";

/** A matmul with the Kernels.matmul signature. */
export type Impl = (
  a: Float32Array | Float64Array, aOff: number,
  b: Float32Array | Float64Array, bOff: number,
  c: Float32Array | Float64Array, cOff: number,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
) => void;

export const layouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false], ["TT", true, true]];

/** [m, k, n]: degenerate, odd, not multiples of the 4×4 tile, m above the 64-row block, k above the 256 depth block. */
export const sizes: [number, number, number][] = [
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

/**
 * Run `impl` on random operands at offsets, C pre-filled with a guard around it, and compare with
 * a float64 reference: |error| ≤ rel · Σ|terms| per entry (rel defaults to what float64 sums
 * rounded to the storage type allow), nothing outside C written, A and B untouched.
 */
export function check(impl: Impl, ctor: Ctor, m: number, k: number, n: number, tA: boolean, tB: boolean, accumulate: boolean, seed: number, relTol?: number): void {
  const t = makeCase(ctor, m, k, n, tA, tB, accumulate, seed);
  const aCopy = t.a.slice();
  const bCopy = t.b.slice();
  impl(t.a, t.aOff, t.b, t.bOff, t.c, t.cOff, m, n, k, tA, tB, accumulate);
  // float32: inputs are exact, sums run in float64, so a few float32 roundings of the result per
  // depth block; float64: a few ulps of the sum of magnitudes.
  const rel = relTol ?? (ctor === Float32Array ? 4e-7 * (1 + Math.ceil(k / 256)) : 1e-14);
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

