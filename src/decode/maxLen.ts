import type { MaxLen } from "./types.js";

/** Per-sentence step limits of a batch, validated (at least one step: </s> must be emittable). */
export function resolveMaxLens(maxLen: MaxLen, srcLengths: Int32Array): Int32Array {
  const out = new Int32Array(srcLengths.length);
  srcLengths.forEach((len, b) => {
    const m = typeof maxLen === "number" ? maxLen : maxLen(len);
    if (!Number.isInteger(m) || m < 1) throw new Error(`decode: maxLen ${m} for a source of length ${len}; expected a positive integer`);
    out[b] = m;
  });
  return out;
}

/** A common default, as in many NMT toolkits: outputs up to twice the source plus a margin. */
export function defaultMaxLen(srcLength: number): number {
  return 2 * srcLength + 10;
}
