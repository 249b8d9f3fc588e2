/**
 * Text normalisation applied to every sentence as it is read (and, with the same options saved in
 * the run folder, to every sentence given to `attn translate`), so training and translation see
 * text in exactly the same form.
 */

/** How sentences are normalised; part of the saved text pipeline. */
export interface NormalizeOptions {
  /** Lower-case every sentence (locale-independent `toLowerCase`). Default false. */
  lowercase?: boolean;
  /** Remove accents and other combining marks ("déjà vu" → "deja vu"). Default false. */
  stripAccents?: boolean;
}

/**
 * Characters the tokenizers use as markers: "▁" (U+2581) stands for a space in the char and BPE
 * tokenizers and "￭" (U+FFED) is the word tokenizer's joiner. They never occur in normalised text
 * (each is replaced by "_"), which is what makes `decode(encode(text)) === text` exact.
 */
export const SPACE_MARK = "\u2581";
export const JOINER_MARK = "\uFFED";

const RESERVED_MARKS = /[\u2581\uFFED]/g;
const COMBINING_MARKS = /\p{M}/gu;
// Control characters, zero-width spaces and stray BOMs carry no text and would otherwise end up in
// vocabularies. Other format characters (ZWJ, ZWNJ) stay: some scripts need them.
const CONTROL_CHARS = /[\p{Cc}\u200B\uFEFF]/gu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * Unicode NFC; control characters, zero-width spaces and stray BOMs dropped; every run
 * of whitespace (tabs and non-breaking spaces included) becomes one space; no leading or trailing
 * space; the optional lower-casing, then the optional accent stripping.
 */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  let s = text.replace(WHITESPACE_RUN, " ").replace(CONTROL_CHARS, "").normalize("NFC");
  // Lower-case first: it can add combining marks ("İ" → "i̇") that accent stripping then removes.
  if (opts.lowercase) s = s.toLowerCase().normalize("NFC");
  if (opts.stripAccents) s = s.normalize("NFD").replace(COMBINING_MARKS, "").normalize("NFC");
  return s.replace(RESERVED_MARKS, "_").replace(WHITESPACE_RUN, " ").trim();
}
