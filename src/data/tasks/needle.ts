/**
 * needle: a query key first, then a long haystack of filler symbols holding a few key_value
 * needles; the target is the queried needle's value ("k7 ? x3 k2_v5 x9 … k7_v0 x1" → "v0").
 *
 * Each needle is one symbol, so finding the answer is a single content match (query key ↔
 * needle key) — what a small Transformer learns in a few thousand updates, unlike `retrieve`,
 * whose separate key and value tokens must first be bound by position. The query comes first so
 * that Longformer-style global tokens (`globalTokens: 2`) can hold it, as Beltagy et al. 2020 do
 * for question tokens. With a one-layer decoder, whose first step has no query of its own, the
 * encoder must carry the needle's value to the query (or the query to the needle) across the
 * whole haystack: the task needs long-range self-attention, and a sliding window without global
 * tokens sees only needles within its reach. The vocabulary (keys, values, filler) does not
 * depend on the length, so a model trained on short haystacks can continue on long ones.
 */
import { UserError } from "../../errors.js";
import type { Rng } from "../../tensor/rng.js";
import { distinctPrefix, intBetween, sampleDistinct, type SyntheticTask, type TaskOptionValues } from "./task.js";

const MAX_LEN = 100_000;

export const needleTask: SyntheticTask = {
  name: "needle",
  description: "\"k7 ? x3 k2_v5 x9 k7_v0 x1\" → \"v0\": the value of the queried key_value needle in a haystack of filler",
  tokenizer: "word",
  options: [
    { key: "minLen", flag: "--min-len", description: "shortest source in tokens (the query, ?, the needles and filler)", default: 256, min: 3, max: MAX_LEN },
    { key: "maxLen", flag: "--max-len", description: "longest source in tokens", default: 4096, min: 3, max: MAX_LEN },
    { key: "needles", flag: "--needles", description: "key_value needles in each haystack (distinct keys; one is queried)", default: 8, min: 1, max: MAX_LEN },
    { key: "keys", flag: "--keys", description: "size of the key vocabulary (at least --needles)", default: 64, min: 1, max: 100_000 },
    { key: "values", flag: "--values", description: "size of the value vocabulary", default: 16, min: 2, max: 100_000 },
    { key: "filler", flag: "--filler", description: "size of the filler vocabulary", default: 64, min: 1, max: 100_000 },
  ],
  generate(n: number, options: TaskOptionValues, rng: Rng) {
    const { minLen, maxLen, needles, keys, values, filler } = options as {
      minLen: number;
      maxLen: number;
      needles: number;
      keys: number;
      values: number;
      filler: number;
    };
    if (keys < needles) throw new UserError(`task needle: --keys ${keys} is fewer than --needles ${needles}; expected at least ${needles} (the keys of a haystack are distinct)`);
    if (minLen < needles + 2) throw new UserError(`task needle: --min-len ${minLen} leaves no room for the query, "?" and ${needles} needles; expected at least ${needles + 2}`);
    const pool = new Int32Array(keys);
    return sampleDistinct(
      n,
      () => {
        const length = intBetween(rng, minLen, maxLen);
        const haystack = length - 2;
        const tokens: string[] = new Array<string>(haystack);
        for (let i = 0; i < haystack; i++) tokens[i] = `x${rng.int(filler)}`;
        distinctPrefix(rng, pool, needles); // distinct keys
        // Distinct positions the same way (over the haystack), so no needle overwrites another.
        const at = sampleDistinctPositions(rng, haystack, needles);
        const vals: number[] = [];
        for (let i = 0; i < needles; i++) {
          const v = rng.int(values);
          vals.push(v);
          tokens[at[i]!] = `k${pool[i]!}_v${v}`;
        }
        const asked = rng.int(needles);
        const src = `k${pool[asked]!} ? ${tokens.join(" ")}`;
        return { src, tgt: `v${vals[asked]!}`, alignment: [[at[asked]! + 2, 0]] };
      },
      "needle",
    );
  },
};

/** `count` distinct positions in [0, size), in the order drawn (Floyd's algorithm, O(count) memory). */
function sampleDistinctPositions(rng: Rng, size: number, count: number): number[] {
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = size - count; j < size; j++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  return order;
}
