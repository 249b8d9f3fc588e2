/** Median of the finite values (mean of the two middle ones for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Largest finite value; NaN when there is none. */
export function maximum(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite);
  return xs.length === 0 ? NaN : Math.max(...xs);
}

/** Share of the finite values above `threshold`; NaN when there are none. */
export function fractionAbove(values: readonly number[], threshold: number): number {
  const xs = values.filter(Number.isFinite);
  return xs.length === 0 ? NaN : xs.filter((v) => v > threshold).length / xs.length;
}
