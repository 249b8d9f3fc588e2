/** What every synthetic task provides, and the sampling helper they share. */
import { UserError } from "../../errors.js";
import type { Rng } from "../../tensor/rng.js";
import type { Splits } from "../split.js";

/**
 * Gold word alignment as [sourceIndex, targetIndex] pairs (Pharaoh "i-j"), indices into the
 * token sequences of the task's tokenizer: characters for "char" tasks (the CharTokenizer's
 * tokens, a space counting as one "▁" token), whitespace-separated words for "word" tasks.
 * Tokens without a pair are unaligned.
 */
export type Alignment = [number, number][];

export interface SyntheticPair {
  src: string;
  tgt: string;
  alignment: Alignment;
}

/** A numeric task option, exposed on the command line as `flag`. */
export interface TaskOption {
  key: string;
  flag: string;
  description: string;
  default: number;
  min: number;
  max: number;
}

export type TaskOptionValues = Record<string, number>;

export interface SyntheticTask {
  name: string;
  description: string;
  /** Tokenizer the task is meant for; alignment indices count its tokens. */
  tokenizer: "char" | "word";
  options: readonly TaskOption[];
  /** Samples `n` pairs with distinct sources; a pure function of (n, options, rng state). */
  generate(n: number, options: TaskOptionValues, rng: Rng): SyntheticPair[];
  /**
   * How many distinct sources the task can produce with these options (may be Infinity), when
   * that is cheap to count: asking for more stops at once instead of sampling in vain.
   */
  capacity?(options: TaskOptionValues): number;
  /**
   * All three splits at once, for tasks whose held-out splits must differ from training in kind
   * (names: unseen names and numbers); without it the splits are consecutive draws of generate().
   */
  generateSplits?(sizes: { train: number; valid: number; test: number }, options: TaskOptionValues, rng: Rng): Splits<SyntheticPair>;
}

/**
 * Draws from `sample` until `n` pairs with distinct sources are collected: a source repeated
 * across train and test would measure memory, not generalisation.
 */
export function sampleDistinct(n: number, sample: () => SyntheticPair, taskName: string): SyntheticPair[] {
  const seen = new Set<string>();
  const out: SyntheticPair[] = [];
  // Give up once draws keep repeating, rather than looping forever on a too-small space.
  const maxMisses = 1000 + 20 * n;
  let misses = 0;
  while (out.length < n) {
    const pair = sample();
    if (seen.has(pair.src)) {
      if (++misses > maxMisses) {
        throw new UserError(`task ${taskName}: only ${out.length} distinct examples found for --n ${n}; expected a larger space (widen the length range or the symbol set)`);
      }
      continue;
    }
    seen.add(pair.src);
    out.push(pair);
  }
  return out;
}

/** Uniform integer in [lo, hi]. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/**
 * Fills `pool` with 0 … pool.length − 1 and moves a uniformly drawn `count` of them, in random
 * order, to its front (the first `count` steps of a Fisher–Yates shuffle): distinct draws.
 */
export function distinctPrefix(rng: Rng, pool: Int32Array, count: number): Int32Array {
  const n = pool.length;
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool;
}
