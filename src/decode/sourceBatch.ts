import { collateCopy } from "../data/batching.js";
import type { SourceBatch } from "../models/types.js";

/**
 * Pad encoded sources (each ending in </s>) into one batch; mask 1 = padding. `copy` (copy
 * attention): each source's copy ids (data/copyVocab.ts) and its count of out-of-vocabulary words.
 */
export function sourceBatch(sources: readonly Int32Array[], copy?: readonly { ids: Int32Array; oov: readonly string[] }[]): SourceBatch {
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
  if (!copy) return { batchSize, srcLen, src, srcLengths, srcMask };
  if (copy.length !== batchSize) throw new Error(`sourceBatch: ${copy.length} copy sources for ${batchSize} sources`);
  return { batchSize, srcLen, src, srcLengths, srcMask, copy: collateCopy(sources.map((s, b) => ({ src: s, copy: copy[b]!, index: b })), srcLen) };
}
