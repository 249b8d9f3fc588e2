import { collate, type Batch, type Example } from "../../src/data/batching.js";
import { Rng } from "../../src/tensor/rng.js";

/**
 * A tiny reversal task over symbols 4..4+V-1 (ids 0-3 are the specials), as encoded examples:
 * source ends with </s> (2), target is <s> (1) … </s>.
 */
export function tinyReverseExamples(n: number, vocab: number, minLen: number, maxLen: number, seed: number): Example[] {
  const rng = new Rng(seed);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const len = minLen + rng.int(maxLen - minLen + 1);
    const toks = Array.from({ length: len }, () => 4 + rng.int(vocab));
    out.push({ src: Int32Array.from([...toks, 2]), tgt: Int32Array.from([1, ...toks.slice().reverse(), 2]), index: i });
  }
  return out;
}

/** Fixed batches of `size` consecutive examples. */
export function fixedBatches(examples: Example[], size: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < examples.length; i += size) {
    out.push(collate(examples, Array.from({ length: Math.min(size, examples.length - i) }, (_, k) => i + k)));
  }
  return out;
}
