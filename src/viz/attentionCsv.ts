/**
 * Attention matrices as CSV, the format of `attn dump-attention` and of the run folder's
 * attention/ dumps. Long format, one row per weight:
 *   sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight
 * `kind` is "cross" for encoder–decoder attention ("encoder-self" / "decoder-self" for
 * Transformer self-attention); layer and head are 0 for recurrent models.
 */
export const ATTENTION_CSV_HEADER = "sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight";

export type AttentionKind = "cross" | "encoder-self" | "decoder-self";

/** One attention matrix of one sentence: weights[targetIndex][sourceIndex]. */
export interface AttentionMatrix {
  sentence: number;
  kind: AttentionKind;
  layer: number;
  head: number;
  /** Labels of the rows (queries). */
  targetTokens: string[];
  /** Labels of the columns (keys). */
  sourceTokens: string[];
  weights: number[][];
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Long-format rows (no header) for one matrix. */
export function attentionRows(m: AttentionMatrix): string[] {
  const rows: string[] = [];
  m.weights.forEach((row, t) => {
    row.forEach((w, s) => {
      rows.push([m.sentence, m.kind, m.layer, m.head, t, csvField(m.targetTokens[t] ?? ""), s, csvField(m.sourceTokens[s] ?? ""), formatWeight(w)].join(","));
    });
  });
  return rows;
}

/** The whole long-format CSV for several matrices. */
export function attentionCsv(matrices: readonly AttentionMatrix[]): string {
  const lines = [ATTENTION_CSV_HEADER];
  for (const m of matrices) lines.push(...attentionRows(m));
  return lines.join("\n") + "\n";
}

/**
 * Matrix format: per matrix a comment line `# sentence N kind K layer L head H`, then a header
 * row of source tokens and one row per target token. Matrices are separated by a blank line.
 */
export function attentionMatrixCsv(matrices: readonly AttentionMatrix[]): string {
  const blocks = matrices.map((m) => {
    const lines = [`# sentence ${m.sentence} kind ${m.kind} layer ${m.layer} head ${m.head}`, ["", ...m.sourceTokens].map(csvField).join(",")];
    m.weights.forEach((row, t) => lines.push([csvField(m.targetTokens[t] ?? ""), ...row.map(formatWeight)].join(",")));
    return lines.join("\n");
  });
  return blocks.join("\n\n") + "\n";
}

/** Enough digits that a row still sums to 1 within 1e-6 after parsing. */
function formatWeight(w: number): string {
  return w === 0 ? "0" : Number(w.toPrecision(8)).toString();
}
