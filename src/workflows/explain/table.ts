import type { SentenceExplanation } from "./explanation.js";
import type { ExplainSummary } from "./summary.js";

/** A number for the table: `digits` decimals, "n/a" when undefined (NaN: e.g. τ of a constant vector). */
function num(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${Math.round(100 * x)}%` : "n/a";
}

/** Columns padded to their widest cell: text left-aligned, numbers right-aligned. */
function columns(header: readonly string[], rows: readonly string[][], numeric: readonly boolean[]): string {
  const widths = header.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...r[c]!].length)));
  const line = (cells: readonly string[]) =>
    "  " + cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** One sentence: a row per target step, then the sentence's medians. */
export function formatSentence(s: SentenceExplanation): string {
  const how = s.target === null ? "greedy output" : "given target";
  let text = `sentence ${s.index + 1} (${how}): ${s.sourceTokens.join(" ")} → ${s.outputTokens.join(" ")}\n`;
  const header = ["step", "token", "max a", "at", "perm TVD median", "max", "uniform TVD", "τ(a, g×i)", "τ(a, LOO)"];
  const rows = s.steps.map((st) => {
    const at = st.attention.indexOf(Math.max(...st.attention));
    return [
      String(st.step),
      s.outputTokens[st.step]!,
      num(Math.max(...st.attention)),
      s.sourceTokens[at] ?? "",
      num(st.permutationTvd.median),
      num(st.permutationTvd.max),
      num(st.uniformTvd),
      num(st.tau.gradInput),
      num(st.tau.leaveOneOut),
    ];
  });
  text += columns(header, rows, [true, false, true, false, true, true, true, true, true]);
  return text + `  ${formatSummary(s.summary)}\n`;
}

/** The medians of a summary on one line. */
export function formatSummary(m: ExplainSummary): string {
  return (
    `median over ${m.steps} step${m.steps === 1 ? "" : "s"}: perm TVD ${num(m.permutationTvd.median)} (max ${num(m.permutationTvd.max)}), ` +
    `uniform TVD ${num(m.uniformTvd.median)}, max a ${num(m.maxAttention.median)}, ` +
    `τ(a, g×i) ${num(m.tauGradInput.median)} (${percent(m.tauGradInput.positive)} > 0), ` +
    `τ(a, LOO) ${num(m.tauLeaveOneOut.median)} (${percent(m.tauLeaveOneOut.positive)} > 0)`
  );
}
