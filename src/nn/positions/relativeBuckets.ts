/**
 * Clipped relative distances as table rows (Shaw, Uszkoreit & Vaswani 2018, eqs. 3–4):
 * bucket(i, j) = clip(pos(j) − pos(i), −k, k) + k ∈ [0, 2k], for queries at positions
 * queryStart + i (i < T) and keys at keyStart + j (j < S). Returns [T·S], row-major.
 * The default queryStart = S − T puts the queries on the last key positions: 0 for
 * self-attention over a whole sequence, t for the one query of an incremental decoding step.
 */
export function relativeBuckets(queries: number, keys: number, maxDistance: number, queryStart = keys - queries, keyStart = 0): Int32Array {
  if (!(Number.isInteger(maxDistance) && maxDistance >= 0)) throw new Error(`relativeBuckets: maxDistance must be a non-negative integer, got ${maxDistance}`);
  const out = new Int32Array(queries * keys);
  for (let i = 0; i < queries; i++) {
    for (let j = 0; j < keys; j++) {
      const rel = keyStart + j - (queryStart + i);
      out[i * keys + j] = Math.max(-maxDistance, Math.min(maxDistance, rel)) + maxDistance;
    }
  }
  return out;
}
