/** Shared helpers for the kernel tests: a tiny seeded generator and float array builders. */

/** mulberry32: deterministic uniform numbers in [0, 1) for reproducible test inputs. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** n values uniform in [lo, hi) of the given element type. */
export function randomArray(ctor: Ctor, n: number, rand: () => number, lo = -1, hi = 1): Float32Array | Float64Array {
  const out = new ctor(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** Largest |a_i − b_i| / (atol + rtol·|b_i|) over the arrays; ≤ 1 means "close". */
export function worstRelErr(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!));
    if (!(e <= worst)) worst = e; // also catches NaN
  }
  return worst;
}

/**
 * Central finite difference of a scalar function with respect to every entry of x (float64),
 * restoring x afterwards.
 */
export function numericGrad(x: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const orig = x[i]!;
    x[i] = orig + eps;
    const fp = f();
    x[i] = orig - eps;
    const fm = f();
    x[i] = orig;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}
