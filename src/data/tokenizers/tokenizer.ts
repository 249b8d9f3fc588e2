/** The contract every tokenizer keeps; see word.ts, char.ts and bpe.ts for the three kinds. */

export type TokenizerKind = "word" | "char" | "bpe";

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Splits normalised text into tokens (strings; the Vocab maps them to ids). */
  encode(text: string): string[];
  /** Joins tokens back into text; `decode(encode(t)) === t` for normalised text t. */
  decode(tokens: readonly string[]): string;
  /** Everything needed to rebuild this tokenizer with `tokenizerFromJSON`. */
  toJSON(): TokenizerJSON;
  /**
   * Tokens a vocabulary must hold even when the training text never shows them alone (BPE's
   * characters and merged symbols); absent for tokenizers whose tokens all show up in training.
   */
  symbols?(): string[];
}

export type TokenizerJSON = { kind: "word" } | { kind: "char" } | { kind: "bpe"; merges: string[]; alphabet?: string[] };
