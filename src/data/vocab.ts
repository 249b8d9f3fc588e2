/**
 * Token ↔ id mapping. Ids 0–3 are the specials every model relies on; the rest are tokens of the
 * training text, most frequent first.
 */
import { UserError } from "../errors.js";

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK = 3;
export const SPECIAL_TOKENS = ["<pad>", "<s>", "</s>", "<unk>"] as const;

/** A config's `data.vocab` section. */
export interface VocabOptions {
  /**
   * Drop tokens seen fewer times than this in the training text (they become <unk>). BPE
   * symbols are always kept: their number is set by the BPE vocabulary size. Default 1.
   */
  minFreq?: number;
  /** At most this many entries, the 4 specials included; the rarest tokens go first. Default: no limit. */
  maxSize?: number;
}

export interface VocabBuildOptions extends VocabOptions {
  /** Tokens kept whatever their count (BPE symbols), ranked by their count like the others. */
  keep?: Iterable<string>;
}

export interface VocabJSON {
  tokens: string[];
}

export class Vocab {
  private readonly ids = new Map<string, number>();

  /** `tokens[i]` is the token of id i; the first four must be the specials. */
  constructor(private readonly tokens: readonly string[]) {
    SPECIAL_TOKENS.forEach((s, i) => {
      if (tokens[i] !== s) throw new UserError(`vocabulary: entry ${i} is ${JSON.stringify(tokens[i])}; expected ${s}`);
    });
    tokens.forEach((t, i) => {
      if (this.ids.has(t)) throw new UserError(`vocabulary: token ${JSON.stringify(t)} appears twice (ids ${this.ids.get(t)} and ${i})`);
      this.ids.set(t, i);
    });
  }

  /**
   * Counts tokens and keeps those with count ≥ minFreq (and those in `keep`), most frequent
   * first, ties in code-unit order of the token, so the same text always gives the same ids.
   */
  static build(tokenLists: Iterable<readonly string[]>, opts: VocabBuildOptions = {}): Vocab {
    const minFreq = opts.minFreq ?? 1;
    const maxSize = opts.maxSize ?? Infinity;
    if (maxSize < SPECIAL_TOKENS.length) throw new UserError(`vocab.maxSize ${maxSize}: expected at least ${SPECIAL_TOKENS.length} (the special tokens)`);
    const counts = countTokens(tokenLists);
    const keep = new Set(opts.keep ?? []);
    for (const t of keep) if (!counts.has(t)) counts.set(t, 0);
    const specials = new Set<string>(SPECIAL_TOKENS);
    const kept = [...counts]
      .filter(([t, c]) => (c >= minFreq || keep.has(t)) && !specials.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - SPECIAL_TOKENS.length)
      .map(([t]) => t);
    return new Vocab([...SPECIAL_TOKENS, ...kept]);
  }

  static fromJSON(json: unknown, where = "vocabulary"): Vocab {
    const tokens = (json as VocabJSON | null)?.tokens;
    if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === "string")) {
      throw new UserError(`${where}: expected { "tokens": [ "<pad>", "<s>", "</s>", "<unk>", ... ] }`);
    }
    return new Vocab(tokens);
  }

  toJSON(): VocabJSON {
    return { tokens: [...this.tokens] };
  }

  /** Number of entries, specials included (the embedding table's row count). */
  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Id of a token; unknown tokens map to UNK. */
  id(token: string): number {
    return this.ids.get(token) ?? UNK;
  }

  /**
   * The token of an id. `extended` (copy attention, data/copyVocab.ts): the sentence's words
   * outside the vocabulary, so id size + k is extended[k].
   */
  token(id: number, extended?: readonly string[]): string {
    const t = this.tokens[id] ?? (extended && id >= this.tokens.length ? extended[id - this.tokens.length] : undefined);
    if (t === undefined) throw new RangeError(`Vocab.token: id ${id} outside 0..${this.tokens.length - 1 + (extended?.length ?? 0)}`);
    return t;
  }

  /** Token ids, without <s> or </s>; unknown tokens become UNK. */
  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    tokens.forEach((t, i) => (out[i] = this.id(t)));
    return out;
  }

  /**
   * Tokens of ids, for display or detokenisation: stops at the first </s>, drops <pad> and <s>,
   * keeps <unk> as the string "<unk>". `extended` as in token().
   */
  decode(ids: ArrayLike<number>, extended?: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      out.push(this.token(id, extended));
    }
    return out;
  }
}

export function countTokens(tokenLists: Iterable<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
