import { collate, type Batch, type Example } from "../../src/data/batching.js";
import { copySource, copyTargetIds } from "../../src/data/copyVocab.js";
import { Vocab } from "../../src/data/vocab.js";
import { Rng } from "../../src/tensor/rng.js";

/**
 * A tiny copy task with words outside the vocabulary, for copy attention: sources are 2–5 symbols
 * of "a".."f" (in the vocabulary) with one name "n0".."n39" (never in it) at a random place; the
 * target repeats the source. Both sides share one vocabulary of 4 specials + 6 symbols (V = 10),
 * so a name is <unk> in the source and reachable in the target only through its extended id.
 */
export const COPY_VOCAB = new Vocab(["<pad>", "<s>", "</s>", "<unk>", ..."abcdef"]);

export function tinyCopyExamples(n: number, seed: number, names = 40): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, index) => {
    const len = 2 + rng.int(4);
    const tokens = Array.from({ length: len }, () => "abcdef"[rng.int(6)]!);
    tokens.splice(rng.int(len + 1), 0, `n${rng.int(names)}`);
    const src = Int32Array.from([...COPY_VOCAB.encode(tokens), 2]);
    const copy = copySource(tokens, COPY_VOCAB);
    return { src, tgt: copyTargetIds(tokens, COPY_VOCAB, copy), index, copy };
  });
}

/** Fixed batches of `size` consecutive examples. */
export function copyBatches(examples: Example[], size: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < examples.length; i += size) out.push(collate(examples, Array.from({ length: Math.min(size, examples.length - i) }, (_, k) => i + k)));
  return out;
}
