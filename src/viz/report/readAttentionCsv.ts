import { ATTENTION_CSV_HEADER, type AttentionKind, type AttentionMatrix, parseCsv } from "../attentionCsv.js";

/**
 * The matrices of a long-format attention CSV (attentionCsv.ts, the run folder's
 * attention/step-N.csv), back from text. Rows may come in any order; a missing cell reads as NaN.
 * Returns an error message (naming the line) instead of matrices when the text is not such a CSV.
 */
export function readAttentionCsv(text: string): AttentionMatrix[] | string {
  const records = parseCsv(text);
  const header = records[0]?.join(",");
  if (header === undefined || !header.startsWith(ATTENTION_CSV_HEADER)) return `line 1: expected the header "${ATTENTION_CSV_HEADER}"`;
  const byKey = new Map<string, { m: AttentionMatrix; cells: [number, number, number][] }>();
  for (let i = 1; i < records.length; i++) {
    const f = records[i]!;
    if (f.length === 1 && f[0] === "") continue;
    if (f.length < 9) return `line ${i + 1}: expected 9 fields; got ${f.length}`;
    const [sentence, layer, head, t, s] = [f[0], f[2], f[3], f[4], f[6]].map(Number) as [number, number, number, number, number];
    const weight = Number(f[8]);
    if (![sentence, layer, head, t, s].every((v) => Number.isInteger(v) && v >= 0) || f[8] === "" || Number.isNaN(weight) && f[8] !== "NaN") return `line ${i + 1}: expected integer indices and a numeric weight`;
    const key = `${sentence}|${f[1]}|${layer}|${head}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { m: { sentence, kind: f[1] as AttentionKind, layer, head, targetTokens: [], sourceTokens: [], weights: [] }, cells: [] };
      byKey.set(key, entry);
    }
    entry.m.targetTokens[t] = f[5]!;
    entry.m.sourceTokens[s] = f[7]!;
    entry.cells.push([t, s, weight]);
  }
  return [...byKey.values()].map(({ m, cells }) => {
    const targetTokens = Array.from(m.targetTokens, (x) => x ?? "");
    const sourceTokens = Array.from(m.sourceTokens, (x) => x ?? "");
    const weights = targetTokens.map(() => sourceTokens.map(() => NaN));
    for (const [t, s, w] of cells) weights[t]![s] = w;
    return { ...m, targetTokens, sourceTokens, weights };
  });
}
