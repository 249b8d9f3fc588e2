/**
 * Whitespace tokenizer of the classic PyTorch seq2seq tutorial, and of the peer benchmark in
 * ../shared/bench/torch: a space goes before each of . ! ? and the text is split on whitespace
 * ("Run!" → run !). Other punctuation stays attached ("don't", "ok,"). `decode` joins tokens with
 * single spaces, so it gives back the normalised text only up to the spacing before . ! ? — use
 * `word` when an exact round trip matters; use `space` to compare with that tutorial or benchmark.
 */
import type { Tokenizer, TokenizerJSON } from "./tokenizer.js";

export class SpaceTokenizer implements Tokenizer {
  readonly kind = "space" as const;

  encode(text: string): string[] {
    return text.replace(/([.!?])/g, " $1").split(/\s+/u).filter((t) => t.length > 0);
  }

  decode(tokens: readonly string[]): string {
    return tokens.join(" ");
  }

  toJSON(): TokenizerJSON {
    return { kind: "space" };
  }
}
