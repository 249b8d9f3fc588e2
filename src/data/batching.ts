/**
 * Grouping encoded examples into padded batches: bucketed by length (little padding), shuffled
 * per epoch from (seed, epoch) so a resumed run sees exactly the batches it would have seen, and
 * every example exactly once per epoch.
 */
import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import { PAD } from "./vocab.js";

/**
 * One encoded pair. `src` ends with </s>; `tgt` is [<s>, ..., </s>], so the decoder's input is
 * tgt[:-1] and its expected output tgt[1:]. `index` is the pair's position in its split.
 * With copy attention (data/copyVocab.ts) `copy` holds the source's copy ids and words outside the
 * target vocabulary, and `tgt` is in the sentence's extended vocabulary (ids ≥ V for copied words).
 */
export interface Example {
  src: Int32Array;
  tgt: Int32Array;
  index: number;
  copy?: { ids: Int32Array; oov: readonly string[] };
}

/**
 * Row-major padded tensors: row b of `src` is src[b*srcLen .. (b+1)*srcLen). Padding id is
 * PAD = 0; masks use the PyTorch convention, 1 = padding (masked out), 0 = real token.
 */
export interface Batch {
  batchSize: number;
  /** Columns of src: the longest source in the batch. */
  srcLen: number;
  /** Columns of tgtIn/tgtOut: the longest target in the batch minus one. */
  tgtLen: number;
  src: Int32Array; // [batchSize * srcLen]
  srcLengths: Int32Array; // [batchSize], </s> included
  srcMask: Uint8Array; // [batchSize * srcLen]
  tgtIn: Int32Array; // [batchSize * tgtLen]: <s> w1 ... wn
  tgtOut: Int32Array; // [batchSize * tgtLen]: w1 ... wn </s>
  tgtLengths: Int32Array; // [batchSize]: n + 1
  tgtMask: Uint8Array; // [batchSize * tgtLen]
  /** Sum of tgtLengths: the number of predicted tokens, for per-token loss. */
  tgtTokens: number;
  /** Example.index of each row, to put outputs back in corpus order. */
  indices: Int32Array;
  /**
   * Copy attention (examples with `copy`): the copy ids [batchSize * srcLen] (−1 at padding) and
   * the most out-of-vocabulary source words of a row; tgtIn/tgtOut are then in extended ids.
   */
  copy?: { ids: Int32Array; oov: number };
}

/** A config's `training.batching` section (or the eval settings). */
export interface BatchingOptions {
  /** Sentences per batch (the last batch of a bucket may be smaller). Default 32 unless maxTokens is given. */
  batchSize?: number;
  /**
   * Padded tokens per batch: rows × max(srcLen, tgtLen) ≤ maxTokens, so batches of short
   * sentences hold more of them. With batchSize too, both limits apply. A longer single pair
   * forms a batch of its own.
   */
  maxTokens?: number;
  /** Group pairs of similar length to waste less compute on padding. Default true. */
  bucket?: boolean;
  /** New random order every epoch (from the seed and the epoch number). Default true; false for evaluation. */
  shuffle?: boolean;
  /**
   * With bucket and shuffle: pairs are sorted by length within random pools of this many pairs,
   * which keeps batches random while still of similar lengths. Default 64 batches' worth.
   */
  bucketPool?: number;
}

const DEFAULT_BATCH_SIZE = 32;
const POOL_BATCHES = 64;

/**
 * The epoch's batches as lists of positions into `examples`. With shuffle an Rng is required;
 * the same Rng state gives the same plan.
 */
export function planBatches(examples: readonly Example[], opts: BatchingOptions, rng?: Rng): number[][] {
  const shuffle = opts.shuffle ?? true;
  if (shuffle && !rng) throw new Error("planBatches: shuffle needs an Rng");
  const batchSize = opts.batchSize ?? (opts.maxTokens === undefined ? DEFAULT_BATCH_SIZE : Infinity);
  if (!(batchSize >= 1)) throw new UserError(`batchSize ${opts.batchSize}: expected a positive integer`);
  if (opts.maxTokens !== undefined && !(opts.maxTokens >= 1)) throw new UserError(`maxTokens ${opts.maxTokens}: expected a positive integer`);

  const width = (p: number): number => Math.max(examples[p]!.src.length, examples[p]!.tgt.length - 1);
  const order = Array.from({ length: examples.length }, (_, i) => i);
  if (shuffle) rng!.shuffle(order);
  if (opts.bucket ?? true) {
    const pool = shuffle ? (opts.bucketPool ?? defaultPool(examples, batchSize, opts.maxTokens)) : order.length;
    const byLength = (a: number, b: number): number =>
      examples[a]!.src.length - examples[b]!.src.length || examples[a]!.tgt.length - examples[b]!.tgt.length;
    for (let start = 0; start < order.length; start += pool) {
      // Array.prototype.sort is stable, so equal lengths keep their shuffled order.
      const sorted = order.slice(start, start + pool).sort(byLength);
      sorted.forEach((p, i) => (order[start + i] = p));
    }
  }

  const batches: number[][] = [];
  let current: number[] = [];
  let currentWidth = 0;
  for (const p of order) {
    const w = Math.max(currentWidth, width(p));
    const full =
      current.length >= batchSize || (opts.maxTokens !== undefined && current.length > 0 && (current.length + 1) * w > opts.maxTokens);
    if (full) {
      batches.push(current);
      current = [];
      currentWidth = 0;
    }
    current.push(p);
    currentWidth = Math.max(currentWidth, width(p));
  }
  if (current.length > 0) batches.push(current);
  if (shuffle) rng!.shuffle(batches);
  return batches;
}

function defaultPool(examples: readonly Example[], batchSize: number, maxTokens: number | undefined): number {
  if (Number.isFinite(batchSize)) return POOL_BATCHES * batchSize;
  const meanWidth = examples.reduce((s, e) => s + Math.max(e.src.length, e.tgt.length - 1), 0) / Math.max(1, examples.length);
  return POOL_BATCHES * Math.max(1, Math.floor(maxTokens! / Math.max(1, meanWidth)));
}

/** Pads the examples at `positions` into one batch. */
export function collate(examples: readonly Example[], positions: readonly number[]): Batch {
  const rows = positions.map((p) => examples[p]!);
  const batchSize = rows.length;
  // A loop, not Math.max(...rows): token-budget batches of short pairs can hold many rows.
  let srcLen = 0;
  let tgtLen = 0;
  for (const e of rows) {
    srcLen = Math.max(srcLen, e.src.length);
    tgtLen = Math.max(tgtLen, e.tgt.length - 1);
  }
  const b: Batch = {
    batchSize,
    srcLen,
    tgtLen,
    src: new Int32Array(batchSize * srcLen).fill(PAD),
    srcLengths: new Int32Array(batchSize),
    srcMask: new Uint8Array(batchSize * srcLen).fill(1),
    tgtIn: new Int32Array(batchSize * tgtLen).fill(PAD),
    tgtOut: new Int32Array(batchSize * tgtLen).fill(PAD),
    tgtLengths: new Int32Array(batchSize),
    tgtMask: new Uint8Array(batchSize * tgtLen).fill(1),
    tgtTokens: 0,
    indices: new Int32Array(batchSize),
  };
  rows.forEach((e, r) => {
    if (e.tgt.length < 2) throw new Error(`collate: example ${e.index} has a target of length ${e.tgt.length}; expected [<s>, ..., </s>]`);
    b.src.set(e.src, r * srcLen);
    b.srcMask.fill(0, r * srcLen, r * srcLen + e.src.length);
    b.srcLengths[r] = e.src.length;
    const n = e.tgt.length - 1;
    b.tgtIn.set(e.tgt.subarray(0, n), r * tgtLen);
    b.tgtOut.set(e.tgt.subarray(1), r * tgtLen);
    b.tgtMask.fill(0, r * tgtLen, r * tgtLen + n);
    b.tgtLengths[r] = n;
    b.tgtTokens += n;
    b.indices[r] = e.index;
  });
  if (rows.some((e) => e.copy)) b.copy = collateCopy(rows, srcLen);
  return b;
}

/** The batch's copy ids (−1 at padding) and its largest out-of-vocabulary count; every example needs `copy`. */
export function collateCopy(rows: readonly Pick<Example, "src" | "copy" | "index">[], srcLen: number): { ids: Int32Array; oov: number } {
  const ids = new Int32Array(rows.length * srcLen).fill(-1);
  let oov = 0;
  rows.forEach((e, r) => {
    if (!e.copy) throw new Error(`collate: example ${e.index} has no copy ids while others have`);
    if (e.copy.ids.length !== e.src.length) throw new Error(`collate: example ${e.index} has ${e.copy.ids.length} copy ids for ${e.src.length} source ids`);
    ids.set(e.copy.ids, r * srcLen);
    oov = Math.max(oov, e.copy.oov.length);
  });
  return { ids, oov };
}

/** All batches of one pass, in order. Pass an Rng when shuffling. */
export function makeBatches(examples: readonly Example[], opts: BatchingOptions, rng?: Rng): Batch[] {
  return planBatches(examples, opts, rng).map((positions) => collate(examples, positions));
}

/**
 * The trainer's view: the batches of epoch e depend only on (seed, e), so resuming at
 * "epoch e, batch k" is `iterator.epoch(e, k)`.
 */
export class BatchIterator {
  private cached: { epoch: number; plan: number[][] } | null = null;

  constructor(
    readonly examples: readonly Example[],
    readonly opts: BatchingOptions,
    readonly seed: number,
  ) {}

  /** Batches of `epoch` (0-based) as positions into `examples`. */
  plan(epoch: number): number[][] {
    if (this.cached?.epoch !== epoch) {
      const rng = new Rng(this.seed).fork(`batches/epoch-${epoch}`);
      this.cached = { epoch, plan: planBatches(this.examples, this.opts, rng) };
    }
    return this.cached.plan;
  }

  numBatches(epoch: number): number {
    return this.plan(epoch).length;
  }

  batch(epoch: number, k: number): Batch {
    const positions = this.plan(epoch)[k];
    if (!positions) throw new RangeError(`BatchIterator: epoch ${epoch} has ${this.numBatches(epoch)} batches, no batch ${k}`);
    return collate(this.examples, positions);
  }

  /** Batches of `epoch` from batch `start` on. */
  *epoch(epoch: number, start = 0): Generator<Batch> {
    const plan = this.plan(epoch);
    for (let k = start; k < plan.length; k++) yield collate(this.examples, plan[k]!);
  }
}
