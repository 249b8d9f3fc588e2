/** The contract every tokenizer keeps; see word.ts, char.ts, bpe.ts and space.ts for the kinds. */

export type TokenizerKind = "word" | "char" | "bpe" | "space";

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Splits normalised text into tokens (strings; the Vocab maps them to ids). */
  encode(text: string): string[];
  /** Joins tokens back into text; `decode(encode(t)) === t` for normalised text t (space: up to spacing before . ! ?). */
  decode(tokens: readonly string[]): string;
  /** Everything needed to rebuild this tokenizer with `tokenizerFromJSON`. */
  toJSON(): TokenizerJSON;
  /**
   * Tokens a vocabulary must hold even when the training text never shows them alone (BPE's
   * characters and merged symbols); absent for tokenizers whose tokens all show up in training.
   */
  symbols?(): string[];
}

export type TokenizerJSON = { kind: "word" } | { kind: "char" } | { kind: "space" } | { kind: "bpe"; merges: string[]; alphabet?: string[] };
