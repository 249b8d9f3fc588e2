/**
 * Shared by the sequence tasks (copy, reverse, sort): random sequences of symbols, written as
 * space-separated words so each symbol is one word-level token.
 */
import type { Rng } from "../../tensor/rng.js";
import { intBetween, sampleDistinct, type Alignment, type SyntheticTask, type TaskOption, type TaskOptionValues } from "./task.js";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
export const MAX_SYMBOLS = 260;

/** Symbol i: "a".."z", then "a1".."z1", "a2", ... (symbol order is index order, used by sort). */
export function symbolName(i: number): string {
  const round = Math.floor(i / LETTERS.length);
  return LETTERS[i % LETTERS.length]! + (round === 0 ? "" : String(round));
}

export function sequenceOptions(defaultMin: number, defaultMax: number): TaskOption[] {
  return [
    { key: "minLen", flag: "--min-len", description: "shortest sequence (symbols)", default: defaultMin, min: 1, max: 1000 },
    { key: "maxLen", flag: "--max-len", description: "longest sequence (symbols)", default: defaultMax, min: 1, max: 1000 },
    { key: "symbols", flag: "--symbols", description: "size of the symbol set", default: 26, min: 2, max: MAX_SYMBOLS },
  ];
}

/**
 * A sequence task from its mapping: `order(seq)` gives, for each target position, the source
 * position it copies, which is also the gold alignment.
 */
export function sequenceTask(
  name: string,
  description: string,
  lengths: [number, number],
  order: (seq: readonly number[]) => number[],
): SyntheticTask {
  return {
    name,
    description,
    tokenizer: "word",
    options: sequenceOptions(...lengths),
    generate(n: number, options: TaskOptionValues, rng: Rng) {
      const { minLen, maxLen, symbols } = options as { minLen: number; maxLen: number; symbols: number };
      return sampleDistinct(
        n,
        () => {
          const seq = Array.from({ length: intBetween(rng, minLen, maxLen) }, () => rng.int(symbols));
          const from = order(seq);
          const alignment: Alignment = from.map((s, t) => [s, t]);
          alignment.sort((a, b) => a[0] - b[0]);
          return { src: seq.map(symbolName).join(" "), tgt: from.map((s) => symbolName(seq[s]!)).join(" "), alignment };
        },
        name,
      );
    },
    capacity(options: TaskOptionValues) {
      const { minLen, maxLen, symbols } = options as { minLen: number; maxLen: number; symbols: number };
      let total = 0;
      for (let len = minLen; len <= maxLen && Number.isFinite(total); len++) total += symbols ** len;
      return total;
    },
  };
}
