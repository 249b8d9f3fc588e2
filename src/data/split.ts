/** Deterministic train/valid/test split of one corpus. */
import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";

/** A config's `data.split` section: used when one corpus is given instead of files per split. */
export interface SplitOptions {
  /** Fraction of pairs for validation, in [0, 1). Default 0.05. */
  valid?: number;
  /** Fraction of pairs for the test set, in [0, 1). Default 0.05. */
  test?: number;
  /** Seed of the split; the same seed and corpus always give the same split. Default 1. */
  seed?: number;
  /**
   * Keep all pairs that share a source sentence in the same split, so no test source was seen
   * in training (Tatoeba lists many English sentences with several French translations).
   * Default true.
   */
  groupBySource?: boolean;
}

export interface Splits<T> {
  train: T[];
  valid: T[];
  test: T[];
}

/**
 * Shuffles the (groups of) pairs with an Rng seeded from `seed`, takes round(n·test) pairs for
 * test, then round(n·valid) for valid, the rest for train. Whole groups are assigned, so the
 * sizes can overshoot by less than one group. Each split keeps the corpus order.
 */
export function splitPairs<T extends { src: string }>(pairs: readonly T[], opts: SplitOptions = {}): Splits<T> {
  const validFrac = opts.valid ?? 0.05;
  const testFrac = opts.test ?? 0.05;
  for (const [name, f] of [["valid", validFrac], ["test", testFrac]] as const) {
    if (!(f >= 0 && f < 1)) throw new UserError(`data.split.${name} ${f}: expected a fraction in [0, 1)`);
  }
  if (validFrac + testFrac >= 1) throw new UserError(`data.split: valid + test = ${validFrac + testFrac}; expected less than 1 to leave pairs for training`);

  const groups = groupIndices(pairs, opts.groupBySource ?? true);
  const order = new Rng(opts.seed ?? 1).fork("data-split").permutation(groups.length);
  const wantTest = Math.round(pairs.length * testFrac);
  const wantValid = Math.round(pairs.length * validFrac);
  const chosen: Splits<number> = { train: [], valid: [], test: [] };
  for (const g of order) {
    const split = chosen.test.length < wantTest ? chosen.test : chosen.valid.length < wantValid ? chosen.valid : chosen.train;
    split.push(...groups[g]!);
  }
  const pick = (idx: number[]): T[] => idx.sort((a, b) => a - b).map((i) => pairs[i]!);
  return { train: pick(chosen.train), valid: pick(chosen.valid), test: pick(chosen.test) };
}

function groupIndices(pairs: readonly { src: string }[], bySource: boolean): number[][] {
  if (!bySource) return pairs.map((_, i) => [i]);
  const bySrc = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const g = bySrc.get(p.src);
    if (g) g.push(i);
    else bySrc.set(p.src, [i]);
  });
  return [...bySrc.values()];
}
