/**
 * names: short sentences about people, with names and numbers, into a made-up French-like
 * target language that keeps every name and number as it is. The training split draws names and
 * numbers from one pool, the validation and test splits from another, disjoint pool, so every
 * held-out sentence contains names or numbers never seen in training: a model can get them right
 * only by copying them from the source (copy attention, See et al. 2017), not from its vocabulary.
 * Names are random syllable strings ("kamuro", "telisa"); numbers have 2–4 digits.
 */
import type { Rng } from "../../tensor/rng.js";
import type { Splits } from "../split.js";
import { intBetween, pick, sampleDistinct, type Alignment, type SyntheticPair, type SyntheticTask, type TaskOptionValues } from "./task.js";

/** A sentence pattern: slots are "N", "M" (names) and "X", "Y" (numbers), each used once per side. */
interface Template {
  src: string;
  tgt: string;
  /** Links of the words that are not slots, "i-j" (source word i, target word j). */
  links: string;
}

const TEMPLATES: readonly Template[] = [
  { src: "N was born in X", tgt: "N est né en X", links: "1-1 2-2 3-3" },
  { src: "call N at X", tgt: "appelez N au X", links: "0-0 2-2" },
  { src: "N and M live in room X", tgt: "N et M habitent la chambre X", links: "1-1 3-3 4-4 5-5" },
  { src: "N owes M X euros", tgt: "N doit X euros à M", links: "1-1 1-4 4-3" },
  { src: "N met M yesterday", tgt: "hier N a rencontré M", links: "3-0 1-2 1-3" },
  { src: "my friend N is X years old", tgt: "mon ami N a X ans", links: "0-0 1-1 3-3 5-5 6-5" },
  { src: "the train of N leaves at X", tgt: "le train de N part à X", links: "0-0 1-1 2-2 4-4 5-5" },
  { src: "N gave M X books", tgt: "N a donné X livres à M", links: "1-1 1-2 4-4 1-5" },
  { src: "N lives at number X", tgt: "N habite au numéro X", links: "1-1 2-2 3-3" },
  { src: "N will call M at X and Y", tgt: "N appellera M à X et Y", links: "1-1 2-1 4-3 6-5" },
];

const CONSONANTS = [..."bdfgklmnprstvz"];
const VOWELS = [..."aeiou"];
const FINALS = [..."nrs"];

/** A pseudo-word of 2–3 consonant–vowel syllables, sometimes ending in a consonant. */
function randomName(rng: Rng): string {
  let w = "";
  const syllables = intBetween(rng, 2, 3);
  for (let s = 0; s < syllables; s++) w += pick(rng, CONSONANTS) + pick(rng, VOWELS);
  return rng.next() < 0.3 ? w + pick(rng, FINALS) : w;
}

function randomNumber(rng: Rng): string {
  const digits = intBetween(rng, 2, 4);
  return String(intBetween(rng, 10 ** (digits - 1), 10 ** digits - 1));
}

/** Two disjoint pools of `size` distinct strings each: [seen in training, held out]. */
function twoPools(size: number, draw: () => string): [string[], string[]] {
  const all = new Set<string>();
  // 2 × the largest pool (4000) is below the 9,990 numbers of 2–4 digits, and far below the names.
  while (all.size < 2 * size) all.add(draw());
  const list = [...all];
  return [list.slice(0, size), list.slice(size)];
}

interface Pools {
  names: string[];
  numbers: string[];
}

/** One sentence pair from a template with names and numbers from `pools` (the two names differ). */
function samplePair(rng: Rng, pools: Pools): SyntheticPair {
  const t = pick(rng, TEMPLATES);
  const n = pick(rng, pools.names);
  let m = pick(rng, pools.names);
  while (m === n) m = pick(rng, pools.names);
  const x = pick(rng, pools.numbers);
  let y = pick(rng, pools.numbers);
  while (y === x) y = pick(rng, pools.numbers);
  const fill: Record<string, string> = { N: n, M: m, X: x, Y: y };
  const src = t.src.split(" ");
  const tgt = t.tgt.split(" ");
  const alignment: Alignment = t.links.split(" ").map((l) => l.split("-").map(Number) as [number, number]);
  src.forEach((w, i) => {
    if (fill[w] !== undefined) alignment.push([i, tgt.indexOf(w)]);
  });
  alignment.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { src: src.map((w) => fill[w] ?? w).join(" "), tgt: tgt.map((w) => fill[w] ?? w).join(" "), alignment };
}

export const namesTask: SyntheticTask = {
  name: "names",
  description: "sentences with names and numbers → a French-like language that keeps them; valid and test use names and numbers never seen in training (a copy task)",
  tokenizer: "word",
  options: [{ key: "pool", flag: "--pool", description: "names (and numbers) in each pool: one for train, a disjoint one for valid and test", default: 2000, min: 20, max: 4000 }],
  /** Every pair from the training pool (the splits come from generateSplits). */
  generate(n: number, options: TaskOptionValues, rng: Rng): SyntheticPair[] {
    const [seen] = pools(options, rng);
    return sampleDistinct(n, () => samplePair(rng, seen), "names");
  },
  generateSplits(sizes, options, rng): Splits<SyntheticPair> {
    const [seen, heldOut] = pools(options, rng);
    const train = sampleDistinct(sizes.train, () => samplePair(rng, seen), "names");
    const rest = sampleDistinct(sizes.valid + sizes.test, () => samplePair(rng, heldOut), "names");
    return { train, valid: rest.slice(0, sizes.valid), test: rest.slice(sizes.valid) };
  },
};

function pools(options: TaskOptionValues, rng: Rng): [Pools, Pools] {
  const size = options.pool!;
  const [names, heldNames] = twoPools(size, () => randomName(rng));
  const [numbers, heldNumbers] = twoPools(size, () => randomNumber(rng));
  return [
    { names, numbers },
    { names: heldNames, numbers: heldNumbers },
  ];
}
