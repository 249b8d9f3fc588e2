import type { SourceBatch } from "../models/types.js";

/** Pad encoded sources (each ending in </s>) into one batch; mask 1 = padding. */
export function sourceBatch(sources: readonly Int32Array[]): SourceBatch {
  const batchSize = sources.length;
  const srcLen = Math.max(0, ...sources.map((s) => s.length));
  const src = new Int32Array(batchSize * srcLen);
  const srcMask = new Uint8Array(batchSize * srcLen).fill(1);
  const srcLengths = new Int32Array(batchSize);
  sources.forEach((s, b) => {
    if (s.length === 0) throw new Error(`sourceBatch: source ${b} is empty; expected at least </s>`);
    src.set(s, b * srcLen);
    srcMask.fill(0, b * srcLen, b * srcLen + s.length);
    srcLengths[b] = s.length;
  });
  return { batchSize, srcLen, src, srcLengths, srcMask };
}
