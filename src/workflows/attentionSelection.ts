import { UserError } from "../errors.js";
import type { AttentionKind } from "../viz/attentionCsv.js";

/** Which maps --kind, --layer and --head keep (undefined: all). */
export interface AttentionFilter {
  kind?: string;
  layer?: number;
  head?: number;
}

/**
 * The maps matching `filter`. A filter that matches none of the model's maps is an error naming
 * the valid values ("--layer 3: out of range; this model's cross attention has layers 0–1"),
 * never a CSV with a header and no rows. With no maps at all (no input sentences) nothing is checked.
 */
export function selectAttention<M extends { kind: AttentionKind; layer: number; head: number }>(all: readonly M[], filter: AttentionFilter): M[] {
  if (all.length === 0) return [];
  const byKind = filter.kind === undefined ? all : all.filter((m) => m.kind === filter.kind);
  if (byKind.length === 0) {
    throw new UserError(`--kind ${filter.kind}: this model has no ${filter.kind} attention; expected ${listValues(all.map((m) => m.kind))}`);
  }
  const which = filter.kind === undefined ? "this model's attention" : `this model's ${filter.kind} attention`;
  const byLayer = filter.layer === undefined ? byKind : byKind.filter((m) => m.layer === filter.layer);
  if (byLayer.length === 0) {
    throw new UserError(`--layer ${filter.layer}: out of range; ${which} has ${countWord("layer", byKind.map((m) => m.layer))} ${numberRange(byKind.map((m) => m.layer))}`);
  }
  const byHead = filter.head === undefined ? byLayer : byLayer.filter((m) => m.head === filter.head);
  if (byHead.length === 0) {
    const at = filter.layer === undefined ? "" : ` in layer ${filter.layer}`;
    throw new UserError(`--head ${filter.head}: out of range; ${which} has ${countWord("head", byLayer.map((m) => m.head))} ${numberRange(byLayer.map((m) => m.head))}${at}`);
  }
  return [...byHead];
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** "only layer" for one value, "layers" for several. */
function countWord(word: string, values: readonly number[]): string {
  return distinct(values).length === 1 ? `only ${word}` : `${word}s`;
}

function listValues(values: readonly string[]): string {
  return distinct(values).join(" | ");
}

/** "0–3" for a contiguous set of integers, else "0, 2, 5". */
function numberRange(values: readonly number[]): string {
  const sorted = distinct(values).sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (sorted.length === 1) return String(first);
  return last - first + 1 === sorted.length ? `${first}–${last}` : sorted.join(", ");
}
