import type { Example } from "../data/batching.js";
import { beamSearch } from "./beam.js";
import { greedyDecode } from "./greedy.js";
import { sourceBatch } from "./sourceBatch.js";
import { inScopedArena } from "../tensor/storage.js";
import type { BeamOptions, DecodableModel, Hypothesis, MaxLen } from "./types.js";

export interface CorpusOptions extends BeamOptions {
  /** Sentences decoded together. Default 32. */
  batchSize?: number;
  /** Copy attention: each source's copy ids (data/copyVocab.ts), in the order of `sources`. */
  copy?: readonly CopySource[];
}

/** What copy attention needs of a source besides its ids (data/copyVocab.ts CopySource). */
export type CopySource = NonNullable<Example["copy"]>;

/**
 * Decode many sources in batches of similar length (less padding) and return the n-best lists
 * in input order. Beam 1 without length or coverage penalty uses greedyDecode (the same result,
 * less bookkeeping).
 */
export function decodeCorpus(model: DecodableModel, sources: readonly Int32Array[], opts: CorpusOptions): Hypothesis[][] {
  const size = opts.batchSize ?? 32;
  if (!Number.isInteger(size) || size < 1) throw new Error(`decodeCorpus: batchSize ${size}; expected a positive integer`);
  // Stable sort by length: equal lengths keep input order, so the batching is deterministic.
  const order = sources.map((_, i) => i).sort((a, b) => sources[a]!.length - sources[b]!.length);
  const out: Hypothesis[][] = new Array<Hypothesis[]>(sources.length);
  // The tensors of one batch live in an arena released after it (hypotheses hold plain numbers).
  for (let start = 0; start < order.length; start += size) {
    const ids = order.slice(start, start + size);
    const copy = opts.copy;
    if (copy && copy.length !== sources.length) throw new Error(`decodeCorpus: ${copy.length} copy sources for ${sources.length} sources`);
    const batch = sourceBatch(ids.map((i) => sources[i]!), copy ? ids.map((i) => copy[i]!) : undefined);
    const greedy = opts.beam === 1 && (opts.nBest ?? 1) === 1 && !opts.lengthPenalty && !opts.coveragePenalty;
    const lists = inScopedArena(() => (greedy ? greedyDecode(model, batch, opts).map((h) => [h]) : beamSearch(model, batch, opts)));
    ids.forEach((i, r) => (out[i] = lists[r]!));
  }
  return out;
}

export interface TranslateOptions {
  beam: number;
  maxLen: MaxLen;
  lengthPenalty?: number;
  coveragePenalty?: number;
  batchSize?: number;
  /** Record attention rows in the hypotheses (default true). */
  attention?: boolean;
}

/**
 * The best hypothesis for each encoded example (its `src`, ending in </s>, and with copy attention
 * its `copy` ids), in input order.
 */
export function translateExamples(model: DecodableModel, examples: readonly Pick<Example, "src" | "copy">[], opts: TranslateOptions): Hypothesis[] {
  const copy = examples.some((e) => e.copy) ? examples.map((e) => e.copy ?? missingCopy()) : undefined;
  return decodeCorpus(
    model,
    examples.map((e) => e.src),
    { ...opts, nBest: 1, ...(copy ? { copy } : {}) },
  ).map((list) => list[0]!);
}

function missingCopy(): never {
  throw new Error("translateExamples: some examples have copy ids and others not");
}
