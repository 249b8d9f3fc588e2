/**
 * Word tokenizer: runs of letters, digits and marks are words; every other non-space character
 * run is punctuation and becomes a token of its own ("Hello, world!" → Hello ￭, world ￭!).
 *
 * Spacing is kept exactly, not guessed: where two tokens touch in the text (no space between
 * them), the punctuation side of the contact carries the joiner "￭" — as a prefix when it
 * attaches to the token before ("￭,"), as a suffix when it attaches to the token after ("(￭").
 * Words themselves never carry it, so "cat" is the same token wherever it stands, and both
 * English "Run!" (Run ￭!) and French "Va !" (Va !) round-trip: `decode(encode(t)) === t` for
 * normalised text. The cost is that attached and free-standing punctuation are different tokens.
 */
import { JOINER_MARK } from "../normalize.js";
import type { Tokenizer, TokenizerJSON } from "./tokenizer.js";

// A word is a run of letters, marks, digits and underscores; anything else that is not space is
// punctuation, one character per token so that "?!" or "..." split into their characters.
const TOKEN = /[\p{L}\p{M}\p{N}_]+|[^\p{L}\p{M}\p{N}_\s]/gu;
const WORD_START = /^[\p{L}\p{M}\p{N}_]/u;

export class WordTokenizer implements Tokenizer {
  readonly kind = "word" as const;

  encode(text: string): string[] {
    const tokens: string[] = [];
    let prevEnd = -1;
    let prevIsWord = false;
    for (const m of text.matchAll(TOKEN)) {
      let token = m[0];
      const isWord = WORD_START.test(token);
      if (m.index === prevEnd) {
        // Touching tokens: at least one of them is punctuation; the joiner goes on that side.
        if (!isWord) token = JOINER_MARK + token;
        else if (!prevIsWord) tokens[tokens.length - 1] += JOINER_MARK;
      }
      tokens.push(token);
      prevEnd = m.index + m[0].length;
      prevIsWord = isWord;
    }
    return tokens;
  }

  decode(tokens: readonly string[]): string {
    let text = "";
    let attachNext = false;
    tokens.forEach((token, i) => {
      let body = token;
      const attachPrev = body.length > 1 && body.startsWith(JOINER_MARK);
      if (attachPrev) body = body.slice(1);
      const attachAfter = body.length > 1 && body.endsWith(JOINER_MARK);
      if (attachAfter) body = body.slice(0, -1);
      if (i > 0 && !attachPrev && !attachNext) text += " ";
      text += body;
      attachNext = attachAfter;
    });
    return text;
  }

  toJSON(): TokenizerJSON {
    return { kind: "word" };
  }
}
