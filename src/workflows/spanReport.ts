import type { LearnedSpans } from "../attention/adaptiveSpan.js";

/** The learned adaptive spans (Sukhbaatar et al. 2019) as a table for `attn eval`: one row per self-attention, one column per head, in positions. */
export function formatSpans(spans: readonly LearnedSpans[]): string {
  const heads = Math.max(...spans.map((s) => s.spans.length));
  const columns = Array.from({ length: heads }, (_, h) => `head ${h}`);
  let text = `\n| adaptive span (positions) | ${columns.join(" | ")} |\n|---|${columns.map(() => "---:").join("|")}|\n`;
  for (const s of spans) text += `| ${s.attention} | ${s.spans.map((x) => x.toFixed(2)).join(" | ")} |\n`;
  return text;
}
