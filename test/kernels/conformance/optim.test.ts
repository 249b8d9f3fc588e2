/**
 * Conformance of the optimizer-update and gradient-norm kernels (adamStep, sgdStep, sumSquares,
 * sumAbs, maxAbs, scaleInPlace): every fast kernel set against the js reference. SGD and the
 * scaling are float64 per element in every set, so they must agree with js bit for bit; Adam is
 * float32 in the wasm sets (within float32 tolerance, and the same bits in both wasm builds); the
 * float64 sums agree to ~1e-15. Everything is bitwise reproducible and independent of where the
 * arrays live and where a range starts.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 257, 1000];

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
/** The bit patterns of a float32 array, every NaN as one canonical NaN (wasm leaves NaN sign and payload unspecified). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));

interface AdamCase { amsgrad: boolean; decoupled: boolean; t: number }
const ADAM_CASES: AdamCase[] = [
  { amsgrad: false, decoupled: false, t: 1 },
  { amsgrad: false, decoupled: true, t: 3 },
  { amsgrad: true, decoupled: false, t: 7 },
  { amsgrad: true, decoupled: true, t: 2 },
];

interface AdamArrays { p: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array; vMax: Float32Array }

/** Adam state on the JS heap: p, g, m, v (v ≥ 0) and vMax ≥ v. */
function adamState(n: number, seed: number): AdamArrays {
  const rand = seeded(seed);
  const p = f32(n, rand, -2, 2), g = f32(n, rand, -1, 1), m = f32(n, rand, -0.1, 0.1), v = f32(n, rand, 0, 0.01);
  const vMax = new Float32Array(n);
  for (let i = 0; i < n; i++) vMax[i] = v[i]! * (rand() < 0.5 ? 1.5 : 0.5);
  return { p, g, m, v, vMax };
}

function runAdam(k: Kernels, s: AdamArrays, c: AdamCase, steps = 1): void {
  const lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01;
  for (let i = 0; i < steps; i++) {
    const t = c.t + i;
    k.adamStep(
      s.p, s.g, s.m, s.v, c.amsgrad ? s.vMax : null, s.p.length, beta1, beta2, eps,
      c.decoupled ? 0 : wd, c.decoupled ? 1 - lr * wd : 1, lr / (1 - beta1 ** t), Math.sqrt(1 - beta2 ** t),
    );
  }
}

const copyState = (s: AdamArrays, place: (a: Float32Array) => Float32Array): AdamArrays =>
  ({ p: place(s.p), g: place(s.g), m: place(s.m), v: place(s.v), vMax: place(s.vMax) });
const heap = (a: Float32Array) => a.slice();

describe.each(sets)("optimizer kernels: $name", ({ kernels: k }) => {
  it("adamStep matches the js reference within float32 tolerance (Adam, AdamW, AMSGrad; every size)", () => {
    for (const c of ADAM_CASES) {
      for (const n of SIZES) {
        const s0 = adamState(n, 100 + n);
        const ref = copyState(s0, heap);
        runAdam(js, ref, c, 3);
        const got = copyState(s0, heap);
        runAdam(k, got, c, 3);
        const what = `n=${n} ${JSON.stringify(c)}`;
        // p moves by ~lr per step: its error is a few float32 ulps of p plus a few of the step.
        // m and v are sums of two terms that may cancel: absolute errors of a few float32 ulps of the terms.
        expect(worstRelErr(got.p, ref.p, 1e-7, 3e-7), `p ${what}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.m, ref.m, 3e-8, 1e-6), `m ${what}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.v, ref.v, 1e-10, 1e-6), `v ${what}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.vMax, ref.vMax, 1e-10, 1e-6), `vMax ${what}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("adamStep is bitwise identical in kernel memory and on the JS heap, run to run, and an element's result does not depend on its index", () => {
    const c = { amsgrad: true, decoupled: true, t: 4 };
    for (const n of [5, 9, 33, 257]) {
      const s0 = adamState(n, 200 + n);
      const a = copyState(s0, heap);
      runAdam(k, a, c, 2);
      const b = copyState(s0, (x) => inKernelMemory(arena, x));
      runAdam(k, b, c, 2);
      const again = copyState(s0, heap);
      runAdam(k, again, c, 2);
      // The last three elements alone (tail path) give the same bits as inside the vector body.
      const shifted = copyState(s0, (x) => x.slice(n - 3));
      runAdam(k, shifted, c, 2);
      for (const key of ["p", "m", "v", "vMax"] as const) {
        expect(bits(b[key]), `${key} n=${n}`).toEqual(bits(a[key]));
        expect(bits(again[key]), `${key} n=${n}`).toEqual(bits(a[key]));
        expect(bits(shifted[key]), `${key} n=${n} shifted`).toEqual(bits(a[key]).slice(n - 3));
      }
    }
  });

  it("adamStep is reproducible and handles zero, large, tiny and non-finite gradients like js", () => {
    // Not compared: |g| ≳ 1e19, where g² overflows float32 (v becomes Infinity and the step 0, as in
    // PyTorch) while the float64 reference still takes a step of lr.
    const g = Float32Array.from([0, -0, 1e15, -1e-30, Infinity, NaN, -3e-20, 1e-45, 5]);
    const n = g.length;
    const mk = (): AdamArrays => ({ p: Float32Array.from(g, (_, i) => i - 4), g: g.slice(), m: new Float32Array(n), v: new Float32Array(n), vMax: new Float32Array(n) });
    const c = { amsgrad: true, decoupled: true, t: 1 };
    const ref = mk(), a = mk(), b = mk();
    runAdam(js, ref, c);
    runAdam(k, a, c);
    runAdam(k, b, c);
    for (const key of ["p", "m", "v", "vMax"] as const) {
      expect(bits(b[key])).toEqual(bits(a[key]));
      for (let i = 0; i < n; i++) {
        const [x, y] = [a[key][i]!, ref[key][i]!];
        if (!Number.isFinite(y)) expect(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${key}[${i}] ${x} vs ${y}`).toBe(true);
        else expect(Math.abs(x - y) <= 1e-6 * Math.abs(y) + 1e-30, `${key}[${i}] ${x} vs ${y}`).toBe(true);
      }
    }
  });

  it("sgdStep equals the js reference bit for bit (plain, momentum first/later, dampening, nesterov)", () => {
    const cases = [
      { momentum: 0, dampening: 0, nesterov: false, wd: 0, withBuf: false },
      { momentum: 0, dampening: 0, nesterov: false, wd: 0.1, withBuf: false },
      { momentum: 0.9, dampening: 0, nesterov: false, wd: 0, withBuf: true },
      { momentum: 0.9, dampening: 0.3, nesterov: false, wd: 0.05, withBuf: true },
      { momentum: 0.8, dampening: 0, nesterov: true, wd: 0.01, withBuf: true },
    ];
    for (const c of cases) {
      for (const n of SIZES) {
        const rand = seeded(7 + n);
        const p0 = f32(n, rand, -2, 2), g0 = f32(n, rand);
        const run = (kk: Kernels, place: (a: Float32Array) => Float32Array) => {
          const p = place(p0), g = place(g0), buf = place(new Float32Array(n));
          for (let step = 0; step < 3; step++) {
            kk.sgdStep(p, g, c.withBuf ? buf : null, n, 0.05, c.momentum, c.dampening, c.nesterov, c.wd, step === 0);
          }
          return { p, buf };
        };
        const ref = run(js, heap);
        for (const place of [heap, (a: Float32Array) => inKernelMemory(arena, a)]) {
          const got = run(k, place);
          expect(bits(got.p), `p n=${n} ${JSON.stringify(c)}`).toEqual(bits(ref.p));
          expect(bits(got.buf), `buf n=${n} ${JSON.stringify(c)}`).toEqual(bits(ref.buf));
        }
      }
    }
  });

  it("sumSquares / sumAbs / maxAbs match js, at any offset, in kernel memory or not, reproducibly", () => {
    for (const n of SIZES) {
      const rand = seeded(300 + n);
      const x = f32(n + 5, rand, -3, 3);
      for (const off of [0, 1, 3, 5]) {
        const len = n + 5 - off;
        const km = inKernelMemory(arena, x);
        // The same values at offset 0: the result must not depend on where the range starts.
        const alone = inKernelMemory(arena, x.slice(off));
        for (const [name, tol] of [["sumSquares", 1e-14], ["sumAbs", 1e-14], ["maxAbs", 0]] as const) {
          const want = js[name](x, off, len);
          const got = k[name](x, off, len);
          expect(Math.abs(got - want) <= tol * Math.abs(want), `${name} n=${len} off=${off}: ${got} vs ${want}`).toBe(true);
          expect(Object.is(k[name](km, off, len), got)).toBe(true);
          expect(Object.is(k[name](alone, 0, len), got)).toBe(true);
          expect(Object.is(k[name](x, off, len), got)).toBe(true);
        }
      }
    }
  });

  it("norm sums: empty is 0, NaN and Infinity propagate", () => {
    const e = new Float32Array(0);
    expect(k.sumSquares(e, 0, 0)).toBe(0);
    expect(k.maxAbs(e, 0, 0)).toBe(0);
    for (const n of [1, 4, 9, 20]) {
      for (const at of [0, n - 1, n >> 1]) {
        const x = new Float32Array(n).fill(0.5);
        x[at] = NaN;
        expect(k.sumSquares(x, 0, n)).toBeNaN();
        expect(k.sumAbs(x, 0, n)).toBeNaN();
        expect(k.maxAbs(x, 0, n)).toBeNaN();
        x[at] = -Infinity;
        expect(k.sumSquares(x, 0, n)).toBe(Infinity);
        expect(k.maxAbs(x, 0, n)).toBe(Infinity);
      }
    }
    // float32 squares summed in float64: no overflow where float32 would overflow.
    const big = new Float32Array(9).fill(3e38);
    expect(k.sumSquares(big, 0, 9)).toBeCloseTo(9 * 9e76, -70);
  });

  it("scaleInPlace equals js bit for bit on a range, leaving the rest alone", () => {
    for (const n of SIZES) {
      const rand = seeded(500 + n);
      const x = f32(n + 4, rand, -10, 10);
      const ref = x.slice();
      js.scaleInPlace(ref, 2, n, 0.3721);
      for (const a of [x.slice(), inKernelMemory(arena, x)]) {
        k.scaleInPlace(a, 2, n, 0.3721);
        expect(bits(a)).toEqual(bits(ref));
      }
    }
  });

  it("falls back to the js reference for Float64Array storage", () => {
    const rand = seeded(9);
    const x = randomArray(Float64Array, 13, rand);
    expect(k.sumSquares(x, 0, 13)).toBe(js.sumSquares(x, 0, 13));
    const p = randomArray(Float64Array, 5, rand), g = randomArray(Float64Array, 5, rand);
    const p2 = p.slice();
    k.adamStep(p, g, new Float64Array(5), new Float64Array(5), null, 5, 0.9, 0.999, 1e-8, 0, 1, 0.01, 0.03);
    js.adamStep(p2, g, new Float64Array(5), new Float64Array(5), null, 5, 0.9, 0.999, 1e-8, 0, 1, 0.01, 0.03);
    expect(Array.from(p)).toEqual(Array.from(p2));
  });
});

describe("optimizer kernels across builds", () => {
  it("adamStep gives the same bits in every fast set (no MADD in the optimizer kernels)", () => {
    const c = { amsgrad: true, decoupled: false, t: 2 };
    const results = sets.map(({ kernels: k }) => {
      const s = copyState(adamState(1001, 42), heap);
      runAdam(k, s, c, 3);
      return [s.p, s.m, s.v, s.vMax].map(bits);
    });
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });
});
