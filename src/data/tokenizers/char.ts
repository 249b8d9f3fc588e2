/**
 * Character tokenizer: one token per Unicode code point of the normalised text, with the space
 * written as "▁" so that spaces are visible tokens (in vocabularies and attention heatmaps) and
 * `decode(encode(t)) === t` exactly: "23 Nov" → 2 3 ▁ N o v.
 * Alignment indices of the character-level synthetic tasks (dates) index this token sequence.
 */
import { SPACE_MARK } from "../normalize.js";
import type { Tokenizer, TokenizerJSON } from "./tokenizer.js";

export class CharTokenizer implements Tokenizer {
  readonly kind = "char" as const;

  encode(text: string): string[] {
    return Array.from(text, (c) => (c === " " ? SPACE_MARK : c));
  }

  decode(tokens: readonly string[]): string {
    return tokens.map((t) => (t === SPACE_MARK ? " " : t)).join("");
  }

  toJSON(): TokenizerJSON {
    return { kind: "char" };
  }
}
