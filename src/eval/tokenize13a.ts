import { splitWhitespace } from "./whitespace.js";

/**
 * The "13a" tokenizer of mteval-v13a.pl as sacreBLEU implements it (tokenizer_13a.py +
 * tokenizer_re.py), BLEU's default. Language-independent part: drop "<skipped>", join words
 * hyphenated across a line break, decode the four HTML entities &quot; &amp; &lt; &gt; (in that
 * order, so "&amp;lt;" becomes "<"). Then split off ASCII punctuation and symbols except the
 * apostrophe, hyphen, period and comma; split a period or comma off unless it sits between two
 * digits; split a hyphen off after a digit ("2026-11-23" → "2026 - 11 - 23", but "-5" stays).
 * Non-ASCII punctuation (« » — “ ” …) is not split. Returns the tokens joined by single spaces.
 */
export function tokenize13a(line: string): string {
  let s = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&")) s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  s = ` ${s} `;
  // { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /
  s = s.replace(/([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/gu, " $1 ");
  s = s.replace(/([^0-9])([.,])/gu, "$1 $2 ");
  s = s.replace(/([.,])([^0-9])/gu, " $1 $2");
  s = s.replace(/([0-9])(-)/gu, "$1 $2 ");
  return splitWhitespace(s).join(" ");
}
