/**
 * Numbers in the JSON files attn writes (metrics.jsonl, run.json, meta.json, schedule state,
 * `attn eval --json`). JSON has no NaN or ±Infinity and JSON.stringify silently writes `null`
 * for them, which reads back as "no value" (or as 0 in a plot). attn writes them as the strings
 * "NaN", "Infinity" and "-Infinity" instead — the tokens Python's json module and pandas accept —
 * and reads them back with `decodeNumber`.
 */

/** A number as stored in JSON. */
export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";

export function encodeNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

/** A stored number back; undefined when `v` is neither a number nor one of the three strings. */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return undefined;
}

/** JSON.stringify replacer writing non-finite numbers as strings. */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === "number" ? encodeNumber(value) : value;
}

/** JSON text of `value` with non-finite numbers as "NaN" / "Infinity" / "-Infinity". */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, nonFiniteReplacer, indent);
}
