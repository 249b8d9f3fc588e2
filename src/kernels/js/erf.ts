/**
 * Error function in double precision (~1e-15): Maclaurin series for |x| < 2.5, Lentz continued
 * fraction for erfc beyond. GELU needs erf both in forward and, through Φ, in backward, and a
 * float64 gradient check needs it far more exact than the usual 1e-7 approximations.
 * (The JS reference GELU kernel uses it; src/ops/erf.ts re-exports it.)
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + …))))) evaluated by modified Lentz.
  const tiny = 1e-300;
  let f = ax;
  let C = ax;
  let D = 0;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    D = ax + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = ax + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}
