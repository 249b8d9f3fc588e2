/** Terminal rendering of `attn data stats`: tables, length histograms, OOV rates, warnings. */
import chalk from "chalk";
import { plural } from "./readers/pairCollector.js";
import type { LengthSummary, OovStats } from "./stats.js";
import type { StatsReport } from "./statsReport.js";

const BAR_WIDTH = 40;
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const num = (n: number): string => n.toLocaleString("en-US");

export function formatStatsReport(r: StatsReport): string {
  const lines: string[] = [];
  lines.push(chalk.bold(r.input) + chalk.dim(`  tokenizer: ${r.tokenizer} · normalisation: ${r.normalization}`));
  lines.push("");
  const rows = [["split", "pairs", "src tokens", "src types", "tgt tokens", "tgt types"]];
  for (const s of r.splits) rows.push([s.name, num(s.pairs), num(s.src.tokens), num(s.src.types), num(s.tgt.tokens), num(s.tgt.types)]);
  lines.push(...table(rows));
  // Histograms for the first split (train, or the only one); one summary line for the others.
  r.splits.forEach((s, i) => {
    if (i === 1) lines.push("");
    for (const [side, st] of [["source", s.src], ["target", s.tgt]] as const) {
      if (i === 0) lines.push("");
      lines.push(chalk.bold(`${s.name} ${side} lengths`) + chalk.dim(" (tokens)  ") + summaryLine(st.lengths));
      if (i === 0) lines.push(...histogram(st.lengths));
    }
  });
  lines.push("");
  const { src, tgt, shared } = r.vocabSizes;
  lines.push(chalk.bold("vocabulary") + chalk.dim(` from ${r.vocabBasis}, 4 specials included: `) + (shared ? `shared ${num(src)}` : `source ${num(src)}, target ${num(tgt)}`));
  const withOov = r.splits.filter((s) => s.oov);
  if (withOov.length > 0) {
    lines.push("", chalk.bold("out-of-vocabulary") + chalk.dim(" (tokens that would become <unk>)"));
    const oovRows = [["split", "src OOV tokens", "src sentences", "tgt OOV tokens", "tgt sentences"]];
    for (const s of withOov) {
      const o = s.oov!;
      oovRows.push([s.name, oovCell(o.src), sentenceCell(o.src, s.pairs), oovCell(o.tgt), sentenceCell(o.tgt, s.pairs)]);
    }
    lines.push(...table(oovRows));
    for (const s of withOov) {
      for (const [side, o] of [["source", s.oov!.src], ["target", s.oov!.tgt]] as const) {
        if (o.examples.length > 0) lines.push(chalk.dim(`  ${s.name} ${side} OOV e.g.: ${o.examples.join(" ")}`));
      }
    }
  }
  if (r.example) {
    const show = (t: string[]): string => (t.length > 24 ? [...t.slice(0, 24), "…"] : t).join(" ");
    lines.push("", chalk.bold("first pair as tokens"), `  src: ${show(r.example.src)}`, `  tgt: ${show(r.example.tgt)}`);
  }
  for (const w of r.warnings) lines.push(chalk.yellow(`warning: ${w}`));
  return lines.join("\n") + "\n";
}

function summaryLine(l: LengthSummary): string {
  return `min ${l.min} · mean ${l.mean.toFixed(1)} · median ${l.median} · p95 ${l.p95} · max ${l.max}`;
}

function histogram(l: LengthSummary): string[] {
  const peak = Math.max(1, ...l.histogram.map((b) => b.count));
  const labels = l.histogram.map((b) => (b.from === b.to ? `${b.from}` : `${b.from}–${b.to}`));
  const labelWidth = Math.max(...labels.map((s) => s.length));
  return l.histogram.map((b, i) => {
    const bar = "█".repeat(Math.round((b.count / peak) * BAR_WIDTH)) || (b.count > 0 ? "▏" : "");
    return `  ${labels[i]!.padStart(labelWidth)} ${chalk.cyan(bar.padEnd(BAR_WIDTH))} ${num(b.count)}`;
  });
}

function oovCell(o: OovStats): string {
  return `${pct(o.rate)} (${num(o.oovTokens)}/${num(o.tokens)}, ${plural(o.oovTypes, "type")})`;
}

function sentenceCell(o: OovStats, pairs: number): string {
  return `${num(o.sentencesWithOov)} (${pct(pairs === 0 ? 0 : o.sentencesWithOov / pairs)})`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
    return i === 0 ? chalk.dim(line) : line;
  });
}
