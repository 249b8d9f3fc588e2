/**
 * Attention matrices as CSV, the format of `attn dump-attention` and of the run folder's
 * attention/ dumps. Long format, one row per weight:
 *   sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight
 * `kind` is "cross" for encoder–decoder attention ("encoder-self" / "decoder-self" for
 * Transformer self-attention); layer and head are 0 for recurrent models. Models with copy
 * attention add a last column `p_gen`: the generation probability of the row's target step (the
 * same on every row of that step; empty for maps without one).
 */
export const ATTENTION_CSV_HEADER = "sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight";
export const ATTENTION_CSV_PGEN_HEADER = `${ATTENTION_CSV_HEADER},p_gen`;

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
  /** Copy attention: p_gen of each row (target step). */
  pGen?: number[];
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Long-format rows (no header) for one matrix; with `pGenColumn`, each ends with its step's p_gen (empty when the matrix has none). */
export function attentionRows(m: AttentionMatrix, pGenColumn = false): string[] {
  const rows: string[] = [];
  m.weights.forEach((row, t) => {
    const pGen = pGenColumn ? `,${m.pGen?.[t] !== undefined ? formatWeight(m.pGen[t]!) : ""}` : "";
    row.forEach((w, s) => {
      rows.push([m.sentence, m.kind, m.layer, m.head, t, csvField(m.targetTokens[t] ?? ""), s, csvField(m.sourceTokens[s] ?? ""), formatWeight(w)].join(",") + pGen);
    });
  });
  return rows;
}

/** The whole long-format CSV for several matrices (with the p_gen column when any matrix has p_gen). */
export function attentionCsv(matrices: readonly AttentionMatrix[]): string {
  const pGen = matrices.some((m) => m.pGen);
  const lines = [pGen ? ATTENTION_CSV_PGEN_HEADER : ATTENTION_CSV_HEADER];
  for (const m of matrices) lines.push(...attentionRows(m, pGen));
  return lines.join("\n") + "\n";
}

/**
 * Matrix format: per matrix a comment line `# sentence N kind K layer L head H`, then a header
 * row of source tokens and one row per target token. Matrices are separated by a blank line.
 * A matrix with p_gen (copy attention) has a last column `p_gen`.
 */
export function attentionMatrixCsv(matrices: readonly AttentionMatrix[]): string {
  const blocks = matrices.map((m) => {
    const pGen = m.pGen;
    const lines = [`# sentence ${m.sentence} kind ${m.kind} layer ${m.layer} head ${m.head}`, ["", ...m.sourceTokens, ...(pGen ? ["p_gen"] : [])].map(csvField).join(",")];
    m.weights.forEach((row, t) => lines.push([csvField(m.targetTokens[t] ?? ""), ...row.map(formatWeight), ...(pGen ? [pGen[t] !== undefined ? formatWeight(pGen[t]!) : ""] : [])].join(",")));
    return lines.join("\n");
  });
  return blocks.join("\n\n") + "\n";
}

/** Enough digits that a row still sums to 1 within 1e-6 after parsing. */
function formatWeight(w: number): string {
  return w === 0 ? "0" : Number(w.toPrecision(8)).toString();
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
