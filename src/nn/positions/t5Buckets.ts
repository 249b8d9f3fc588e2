/**
 * T5's relative position buckets (Raffel et al. 2020 §2.1; `_relative_position_bucket` of the
 * reference implementations): of the distance n = pos(j) − pos(i) of key j from query i,
 *  - bidirectional (encoder): half of the buckets for n > 0, half for n ≤ 0, on |n|;
 *  - unidirectional (decoder): only n ≤ 0 counts (−min(n, 0)); later keys share bucket 0;
 * then, with B the buckets of one direction, distances below B/2 get a bucket each, and larger
 * ones share B/2 logarithmically sized buckets up to maxDistance, beyond which all share the last:
 *   bucket = B/2 + ⌊log(d / (B/2)) / log(maxDistance / (B/2)) · (B − B/2)⌋, capped at B − 1.
 * Returns [T·S] buckets in [0, numBuckets) for queries at positions queryStart + i (i < T) and
 * keys at j (j < S).
 */
export function t5Buckets(queries: number, keys: number, numBuckets: number, maxDistance: number, bidirectional: boolean, queryStart = keys - queries): Int32Array {
  let perSide = numBuckets;
  if (bidirectional) perSide = Math.floor(numBuckets / 2);
  const maxExact = Math.floor(perSide / 2);
  if (!(maxExact >= 1 && maxDistance > maxExact)) {
    throw new Error(`t5Buckets: ${numBuckets} buckets (${bidirectional ? "bidirectional" : "unidirectional"}) need maxDistance above ${maxExact} and at least one exact bucket, got maxDistance ${maxDistance}`);
  }
  const logRange = Math.log(maxDistance / maxExact);
  const out = new Int32Array(queries * keys);
  for (let i = 0; i < queries; i++) {
    for (let j = 0; j < keys; j++) {
      const n = j - (queryStart + i);
      let bucket = 0;
      let d: number;
      if (bidirectional) {
        if (n > 0) bucket += perSide;
        d = Math.abs(n);
      } else {
        d = Math.max(-n, 0);
      }
      if (d < maxExact) bucket += d;
      else bucket += Math.min(perSide - 1, maxExact + Math.floor((Math.log(d / maxExact) / logRange) * (perSide - maxExact)));
      out[i * keys + j] = bucket;
    }
  }
  return out;
}
