/**
 * Kendall's τ-b between two score vectors over the same items (Kendall 1945), the rank
 * correlation Jain & Wallace 2019 (§4.1) use between attention and feature-importance measures:
 *   τ_b = Σ_{i<j} sgn(x_i − x_j)·sgn(y_i − y_j) / √(n_x · n_y),
 * with n_x (n_y) the pairs not tied in x (y). Ties count in neither the numerator nor their own
 * side of the denominator — which matters here: sparse attention has many exact zeros. NaN when
 * either side is constant (or has fewer than two items), where no ranking exists. O(n²) pairs,
 * which is nothing at sentence lengths.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`kendallTauB: ${x.length} and ${y.length} items`);
  let concordance = 0;
  let untiedX = 0;
  let untiedY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(x[i]! - x[j]!);
      const sy = Math.sign(y[i]! - y[j]!);
      concordance += sx * sy;
      untiedX += sx * sx;
      untiedY += sy * sy;
    }
  }
  if (untiedX === 0 || untiedY === 0) return NaN;
  return concordance / Math.sqrt(untiedX * untiedY);
}
