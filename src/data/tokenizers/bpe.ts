/**
 * Byte-pair-encoding subword tokenizer (Sennrich et al., 2016) over Unicode characters.
 *
 * Text is first cut at spaces and at letter/punctuation boundaries into pre-tokens; a pre-token
 * that follows a space (or starts the text) begins with "▁" (SentencePiece's convention), so
 * "Hello, world!" → ▁Hello , ▁world !. Merges never cross pre-tokens. Decoding concatenates the
 * tokens and turns "▁" back into spaces, which gives back the normalised text exactly.
 *
 * Training counts pre-tokens in the training text, starts from its characters, and repeatedly
 * merges the most frequent adjacent pair (ties: the pair that sorts first) until the number of
 * symbols (characters + merges) reaches `vocabSize` or no pair occurs `minFrequency` times.
 * Same text and options, same merges.
 */
import { UserError } from "../../errors.js";
import { SPACE_MARK } from "../normalize.js";
import { PairHeap } from "./pairHeap.js";
import type { Tokenizer, TokenizerJSON } from "./tokenizer.js";

const PRE_TOKEN = /[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}\s]+/gu;
// Symbols never contain this character (normalisation removes control characters), so it can
// join a pair into one Map key; it also sorts before every other character, so comparing keys
// orders pairs by their left symbol first.
const PAIR_SEP = "\u0000";

export interface BpeTrainOptions {
  /** Upper bound on the number of subword symbols: characters of the training text + merges. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged. Default 2. */
  minFrequency?: number;
}

/** Cuts normalised text into pre-tokens: ▁-prefixed after a space, bare after a letter/punctuation boundary. */
export function preTokenize(text: string): string[] {
  const out: string[] = [];
  let prevEnd = -1;
  for (const m of text.matchAll(PRE_TOKEN)) {
    out.push(m.index === prevEnd ? m[0] : SPACE_MARK + m[0]);
    prevEnd = m.index + m[0].length;
  }
  return out;
}

export interface LearnedBpe {
  /** Merges in the order they were learned. */
  merges: [string, string][];
  /** Characters of the training text, in code-unit order. */
  alphabet: string[];
}

/** Learns merges from `texts`. */
export function learnBpe(texts: Iterable<string>, opts: BpeTrainOptions): LearnedBpe {
  const minFrequency = opts.minFrequency ?? 2;
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const w of preTokenize(text)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  }
  const words: string[][] = [];
  const freqs: number[] = [];
  const alphabet = new Set<string>();
  for (const [w, c] of wordCounts) {
    const symbols = Array.from(w);
    symbols.forEach((s) => alphabet.add(s));
    words.push(symbols);
    freqs.push(c);
  }

  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const heap = new PairHeap();
  const applyDelta = (delta: Map<string, number>, wordIndex: number): void => {
    for (const [key, d] of delta) {
      if (d === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + d;
      pairCounts.set(key, count);
      if (d > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wordIndex);
      }
      if (count > 0) heap.push({ key, count });
    }
  };
  words.forEach((symbols, i) => applyDelta(pairDelta(symbols, freqs[i]!, new Map()), i));

  const merges: [string, string][] = [];
  while (alphabet.size + merges.length < opts.vocabSize) {
    const best = heap.popCurrent((key) => pairCounts.get(key) ?? 0);
    if (!best || best.count < minFrequency) break;
    const [left, right] = best.key.split(PAIR_SEP) as [string, string];
    merges.push([left, right]);
    for (const i of pairWords.get(best.key) ?? []) {
      const merged = mergePair(words[i]!, left, right);
      if (merged === words[i]) continue; // the pair left this word in an earlier merge
      // Old pairs out, new pairs in; pairs the merge did not touch cancel out.
      const delta = pairDelta(words[i]!, -freqs[i]!, new Map());
      applyDelta(pairDelta(merged, freqs[i]!, delta), i);
      words[i] = merged;
    }
    pairWords.delete(best.key);
  }
  return { merges, alphabet: [...alphabet].sort() };
}

function pairDelta(symbols: readonly string[], weight: number, into: Map<string, number>): Map<string, number> {
  for (let j = 0; j + 1 < symbols.length; j++) {
    const key = symbols[j] + PAIR_SEP + symbols[j + 1];
    into.set(key, (into.get(key) ?? 0) + weight);
  }
  return into;
}

/** Merges every left-to-right occurrence of (left, right); returns `symbols` itself when there is none. */
function mergePair(symbols: string[], left: string, right: string): string[] {
  let out: string[] | null = null;
  for (let j = 0; j < symbols.length; j++) {
    if (j + 1 < symbols.length && symbols[j] === left && symbols[j + 1] === right) {
      out ??= symbols.slice(0, j);
      out.push(left + right);
      j++;
    } else if (out) {
      out.push(symbols[j]!);
    }
  }
  return out ?? symbols;
}

export class BpeTokenizer implements Tokenizer {
  readonly kind = "bpe" as const;
  private readonly ranks = new Map<string, number>();
  // Encoding a pre-token is the costly part and natural text repeats them a lot.
  private readonly cache = new Map<string, string[]>();

  /** `alphabet`: the training text's characters (the symbols merges start from). */
  constructor(
    readonly merges: readonly (readonly [string, string])[],
    readonly alphabet: readonly string[] = [],
  ) {
    merges.forEach(([a, b], rank) => this.ranks.set(a + PAIR_SEP + b, rank));
  }

  static train(texts: Iterable<string>, opts: BpeTrainOptions): BpeTokenizer {
    const { merges, alphabet } = learnBpe(texts, opts);
    return new BpeTokenizer(merges, alphabet);
  }

  /** Rebuilds a tokenizer from `toJSON()`: merges as "left right" strings, and the alphabet. */
  static fromMerges(merges: readonly string[], alphabet: readonly string[] = []): BpeTokenizer {
    return new BpeTokenizer(
      merges.map((m, i) => {
        const parts = m.split(" ");
        if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
          throw new UserError(`BPE merge ${i + 1} ${JSON.stringify(m)}: expected two symbols separated by one space`);
        }
        return parts as [string, string];
      }),
      alphabet,
    );
  }

  /**
   * Every symbol encoding can produce from known characters: the alphabet and each merge's
   * result. Many never stand alone in the encoded training text (a merge later absorbs them) but
   * do in new words, so vocabularies keep them all.
   */
  symbols(): string[] {
    return [...new Set([...this.alphabet, ...this.merges.map(([a, b]) => a + b)])];
  }

  encode(text: string): string[] {
    return preTokenize(text).flatMap((w) => this.encodeWord(w));
  }

  decode(tokens: readonly string[]): string {
    const text = tokens.join("").replaceAll(SPACE_MARK, " ");
    return text.startsWith(" ") ? text.slice(1) : text;
  }

  toJSON(): TokenizerJSON {
    // Symbols never contain spaces (a space is "▁"), so "left right" is unambiguous and compact.
    return { kind: "bpe", merges: this.merges.map(([a, b]) => `${a} ${b}`), alphabet: [...this.alphabet] };
  }

  private encodeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let symbols = Array.from(word);
    // Apply the earliest-learned merge available, as training did, until none applies.
    for (;;) {
      let bestRank = Infinity;
      let bestIndex = -1;
      for (let j = 0; j + 1 < symbols.length; j++) {
        const rank = this.ranks.get(symbols[j] + PAIR_SEP + symbols[j + 1]);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestIndex = j;
        }
      }
      if (bestIndex < 0) break;
      symbols = mergePair(symbols, symbols[bestIndex]!, symbols[bestIndex + 1]!);
    }
    this.cache.set(word, symbols);
    return symbols;
  }
}
