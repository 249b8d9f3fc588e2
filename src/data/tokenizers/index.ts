/** Choosing, training and restoring tokenizers. */
import { UserError } from "../../errors.js";
import { BpeTokenizer } from "./bpe.js";
import { CharTokenizer } from "./char.js";
import { SpaceTokenizer } from "./space.js";
import type { Tokenizer, TokenizerKind } from "./tokenizer.js";
import { WordTokenizer } from "./word.js";

export type { Tokenizer, TokenizerJSON, TokenizerKind } from "./tokenizer.js";
export { WordTokenizer } from "./word.js";
export { CharTokenizer } from "./char.js";
export { SpaceTokenizer } from "./space.js";
export { BpeTokenizer, learnBpe, preTokenize, type LearnedBpe } from "./bpe.js";

export const TOKENIZER_KINDS: readonly TokenizerKind[] = ["word", "char", "bpe", "space"];

/** Which tokenizer to use; a config's `data.tokenizer` section. */
export interface TokenizerOptions {
  /** "word" (words and punctuation), "char" (characters) or "bpe" (subwords learned from the training text). Default "word". */
  kind?: TokenizerKind;
  /** BPE only: upper bound on subword symbols (characters + merges). Default 8000. */
  bpeVocabSize?: number;
  /** BPE only: a pair must occur this often in the training text to be merged. Default 2. */
  bpeMinFrequency?: number;
}

export const DEFAULT_BPE_VOCAB_SIZE = 8000;

/** The tokenizers that learn nothing from data, by kind (null for BPE and unknown kinds). */
function fixedTokenizer(kind: unknown): Tokenizer | null {
  switch (kind) {
    case "word":
      return new WordTokenizer();
    case "char":
      return new CharTokenizer();
    case "space":
      return new SpaceTokenizer();
    default:
      return null;
  }
}

/** Builds a tokenizer of the requested kind; BPE learns its merges from `trainingTexts` (unused otherwise). */
export function trainTokenizer(opts: TokenizerOptions, trainingTexts: () => Iterable<string>): Tokenizer {
  const kind = opts.kind ?? "word";
  const fixed = fixedTokenizer(kind);
  if (fixed) return fixed;
  switch (kind) {
    case "bpe":
      return BpeTokenizer.train(trainingTexts(), {
        vocabSize: opts.bpeVocabSize ?? DEFAULT_BPE_VOCAB_SIZE,
        minFrequency: opts.bpeMinFrequency ?? 2,
      });
    default:
      throw new UserError(`tokenizer kind ${JSON.stringify(kind)}: expected one of ${TOKENIZER_KINDS.join(", ")}`);
  }
}

/** Restores a tokenizer saved with `toJSON()` (from a run folder or checkpoint). */
export function tokenizerFromJSON(json: unknown, where = "tokenizer"): Tokenizer {
  const j = json as { kind?: unknown; merges?: unknown; alphabet?: unknown } | null;
  const fixed = fixedTokenizer(j?.kind);
  if (fixed) return fixed;
  switch (j?.kind) {
    case "bpe":
      if (!Array.isArray(j.merges) || !j.merges.every((m) => typeof m === "string")) {
        throw new UserError(`${where}: BPE tokenizer without a list of merges; expected { "kind": "bpe", "merges": ["a b", ...] }`);
      }
      if (j.alphabet !== undefined && !(Array.isArray(j.alphabet) && j.alphabet.every((c) => typeof c === "string"))) {
        throw new UserError(`${where}: BPE alphabet must be a list of characters`);
      }
      return BpeTokenizer.fromMerges(j.merges as string[], (j.alphabet as string[] | undefined) ?? []);
    default:
      throw new UserError(`${where}: unknown tokenizer ${JSON.stringify(j?.kind)}; expected one of ${TOKENIZER_KINDS.join(", ")}`);
  }
}

export function parseTokenizerKind(value: string, where: string): TokenizerKind {
  if ((TOKENIZER_KINDS as readonly string[]).includes(value)) return value as TokenizerKind;
  throw new UserError(`${where}: unknown tokenizer ${JSON.stringify(value)}; expected one of ${TOKENIZER_KINDS.join(", ")}`);
}
