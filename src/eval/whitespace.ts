/**
 * Whitespace as Python's str.split() and str.rstrip() see it (the characters for which
 * str.isspace() is true), so that tokenisation matches sacreBLEU character for character.
 * It differs from JavaScript's \s: U+001C–U+001F and U+0085 are whitespace here, U+FEFF is not.
 */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const RUNS = new RegExp(`[${PY_SPACE}]+`, "u");
const TRAILING = new RegExp(`[${PY_SPACE}]+$`, "u");

/** Python's `s.split()`: the non-empty runs between whitespace. */
export function splitWhitespace(s: string): string[] {
  return s.split(RUNS).filter((w) => w !== "");
}

/** Python's `s.rstrip()`. */
export function trimEndWhitespace(s: string): string {
  return s.replace(TRAILING, "");
}

/** Python's `"".join(s.split())`: every whitespace character removed. */
export function removeWhitespace(s: string): string {
  return splitWhitespace(s).join("");
}
