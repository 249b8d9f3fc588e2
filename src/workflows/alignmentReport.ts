import type { EncodedSplit } from "../data/dataset.js";
import { UserError } from "../errors.js";
import {
  addCounts, ALIGNMENT_METHODS, alignmentCounts, attentionAlignment, scoresFromCounts, zeroCounts,
  type AlignmentCounts, type AlignmentMethod, type AlignmentScores,
} from "../eval/alignment.js";
import type { GoldLinks } from "../eval/pharaoh.js";
import type { TranslationModel } from "../models/types.js";
import { crossHeads, selectCrossAttention, type CrossSelection } from "./crossAttention.js";
import { attentionOfExamples } from "./pairAttention.js";

/** Scores of one way of reading the cross-attention, under both alignment methods. */
export interface AlignmentRow {
  /** "layer 1 head 2", "layer 1, mean of 4 heads", "all 8 heads, mean", or "cross-attention" for a single map. */
  maps: string;
  /** The head's layer and index; null for means. */
  layer: number | null;
  head: number | null;
  argmax: AlignmentScores;
  "shift-att": AlignmentScores;
}

export interface AlignmentReport {
  sentences: number;
  rows: AlignmentRow[];
  /** Per method, the single head with the lowest AER (ties: the first); absent when the model has one map. */
  best?: Record<AlignmentMethod, { layer: number; head: number; aer: number }>;
}

/**
 * Alignment quality of the cross-attention on the reference targets (teacher forcing) of the
 * first `limit` examples, against gold links (Och & Ney 2003 AER, precision, recall, summed over
 * the corpus): for each head, for each layer's mean of heads, and for the mean of all heads, with
 * argmax and shift-att hard alignments (src/eval/alignment.ts).
 */
export function alignmentReport(model: TranslationModel, split: EncodedSplit, gold: readonly GoldLinks[], limit: number): AlignmentReport {
  const examples = split.examples.slice(0, limit);
  let selections: { row: Omit<AlignmentRow, AlignmentMethod>; sel: CrossSelection }[] | null = null;
  let counts: Record<AlignmentMethod, AlignmentCounts>[] = [];
  // 32 sentences at a time: a Transformer's maps of a whole split would not fit in memory.
  for (let start = 0; start < examples.length; start += 32) {
    const chunk = examples.slice(start, start + 32);
    const maps = attentionOfExamples(model, chunk);
    if (!selections) {
      selections = selectionsOf(crossHeads(maps[0] ?? []));
      if (selections.length === 0) throw new UserError('--alignments: this model has no cross-attention (decoder "none")');
      counts = selections.map(() => ({ argmax: zeroCounts(), "shift-att": zeroCounts() }));
    }
    chunk.forEach((ex, k) => {
      const g = gold[ex.index]!;
      selections!.forEach(({ sel }, r) => {
        const attention = selectCrossAttention(maps[k]!, sel);
        for (const method of ALIGNMENT_METHODS) {
          const predicted = attentionAlignment(attention, ex.src.length - 1, ex.tgt.length - 2, method);
          addCounts(counts[r]![method], alignmentCounts(predicted, g.sure, g.possible));
        }
      });
    });
  }
  const rows: AlignmentRow[] = (selections ?? []).map(({ row }, r) => ({ ...row, argmax: scoresFromCounts(counts[r]!.argmax), "shift-att": scoresFromCounts(counts[r]!["shift-att"]) }));
  const heads = rows.filter((r) => r.layer !== null && r.head !== null);
  if (heads.length <= 1) return { sentences: examples.length, rows };
  const bestOf = (method: AlignmentMethod) => {
    const b = heads.reduce((best, r) => (r[method].aer < best[method].aer ? r : best));
    return { layer: b.layer!, head: b.head!, aer: b[method].aer };
  };
  return { sentences: examples.length, rows, best: { argmax: bestOf("argmax"), "shift-att": bestOf("shift-att") } };
}

/** Every head, then each layer's mean of heads (layers with several), then the mean of all heads. */
function selectionsOf(heads: readonly { layer: number; head: number }[]): { row: Omit<AlignmentRow, AlignmentMethod>; sel: CrossSelection }[] {
  if (heads.length === 1) return [{ row: { maps: "cross-attention", layer: heads[0]!.layer, head: heads[0]!.head }, sel: {} }];
  const out: { row: Omit<AlignmentRow, AlignmentMethod>; sel: CrossSelection }[] = heads.map((h) => ({ row: { maps: `layer ${h.layer} head ${h.head}`, layer: h.layer, head: h.head }, sel: { layer: h.layer, head: h.head } }));
  const layers = [...new Set(heads.map((h) => h.layer))];
  for (const layer of layers) {
    const n = heads.filter((h) => h.layer === layer).length;
    if (n > 1 && layers.length > 1) out.push({ row: { maps: `layer ${layer}, mean of ${n} heads`, layer: null, head: null }, sel: { layer } });
  }
  if (heads.length > 0) out.push({ row: { maps: `all ${heads.length} heads, mean`, layer: null, head: null }, sel: {} });
  return out;
}

/** The report as text lines for `attn eval` (percentages). */
export function formatAlignmentReport(r: AlignmentReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const cell = (s: AlignmentScores) => `${pct(s.aer)} / ${pct(s.precision)} / ${pct(s.recall)}`;
  if (r.rows.length === 1) {
    const row = r.rows[0]!;
    return `  alignment vs gold (${r.sentences} sentences), AER / precision / recall: argmax ${cell(row.argmax)} | shift-att ${cell(row["shift-att"])}\n`;
  }
  let text = `\nalignment vs gold (${r.sentences} sentences), AER / precision / recall:\n\n| cross-attention | argmax | shift-att |\n|---|---:|---:|\n`;
  for (const row of r.rows) text += `| ${row.maps} | ${cell(row.argmax)} | ${cell(row["shift-att"])} |\n`;
  if (r.best) {
    text += `\nlowest AER: argmax layer ${r.best.argmax.layer} head ${r.best.argmax.head} (${pct(r.best.argmax.aer)}), shift-att layer ${r.best["shift-att"].layer} head ${r.best["shift-att"].head} (${pct(r.best["shift-att"].aer)})\n`;
  }
  return text;
}
