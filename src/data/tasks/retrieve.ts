/**
 * retrieve: a long key–value list, then a query key; the target is that key's value. Every key
 * is distinct within a list, so exactly one position answers the query, and the list's other
 * pairs are distractors: the longer the list, the farther the answer may be from the query and
 * the more keys an attention must tell apart — a long-sequence task for efficient self-attention
 * (a sliding window cannot see the answer from the query without global tokens or layers).
 */
import { UserError } from "../../errors.js";
import type { Rng } from "../../tensor/rng.js";
import { distinctPrefix, intBetween, sampleDistinct, type SyntheticTask, type TaskOptionValues } from "./task.js";

const MAX_PAIRS = 8192;

export const retrieveTask: SyntheticTask = {
  name: "retrieve",
  description: "\"k12 v3 k7 v0 … ? k7\" → \"v0\": the value of the queried key in a long key–value list",
  tokenizer: "word",
  options: [
    { key: "minPairs", flag: "--min-pairs", description: "fewest key–value pairs in a list (the source has 2·pairs + 2 tokens)", default: 128, min: 1, max: MAX_PAIRS },
    { key: "maxPairs", flag: "--max-pairs", description: "most key–value pairs in a list", default: 2048, min: 1, max: MAX_PAIRS },
    { key: "keys", flag: "--keys", description: "size of the key vocabulary (at least --max-pairs: keys are distinct in a list)", default: 4096, min: 2, max: 100_000 },
    { key: "values", flag: "--values", description: "size of the value vocabulary", default: 64, min: 2, max: 100_000 },
  ],
  generate(n: number, options: TaskOptionValues, rng: Rng) {
    const { minPairs, maxPairs, keys, values } = options as { minPairs: number; maxPairs: number; keys: number; values: number };
    if (minPairs > maxPairs) throw new UserError(`task retrieve: --min-pairs ${minPairs} exceeds --max-pairs ${maxPairs}`);
    if (keys < maxPairs) throw new UserError(`task retrieve: --keys ${keys} is fewer than --max-pairs ${maxPairs}; expected at least ${maxPairs} (the keys of a list are distinct)`);
    const pool = new Int32Array(keys);
    return sampleDistinct(
      n,
      () => {
        const pairs = intBetween(rng, minPairs, maxPairs);
        distinctPrefix(rng, pool, pairs); // distinct keys
        const tokens: string[] = [];
        const vals: number[] = [];
        for (let i = 0; i < pairs; i++) {
          const v = rng.int(values);
          vals.push(v);
          tokens.push(`k${pool[i]!}`, `v${v}`);
        }
        const asked = rng.int(pairs);
        tokens.push("?", `k${pool[asked]!}`);
        return { src: tokens.join(" "), tgt: `v${vals[asked]!}`, alignment: [[2 * asked + 1, 0]] };
      },
      "retrieve",
    );
  },
};
