import { BLUES, DARK_FROM, weightColor } from "../colorScale.js";
import { escapeXml as esc } from "../xml.js";
import type { AttentionTimeline } from "./attentionTimeline.js";
import { lineChartSvg, type LineChartInput } from "./lineChart.js";
import { HEATMAP_SCRIPT } from "./heatmapScript.js";
import { scaleDefs } from "../heatmapSvgScript.js";

export interface LengthBucketRow {
  from: number;
  to: number;
  sentences: number;
  exactMatch: number;
  bleu: number;
}

export interface AlignmentTableRow {
  maps: string;
  argmax: { precision: number; recall: number; aer: number };
  shiftAtt: { precision: number; recall: number; aer: number };
}

/** Everything the report shows; built by workflows/report.ts from a run folder. */
export interface ReportInput {
  /** The run folder as the user named it. */
  run: string;
  generated: string;
  /** Key–value rows of the run's metadata (run.json, checkpoints, steps). */
  metadata: readonly (readonly [string, string])[];
  charts: readonly LineChartInput[];
  attention: AttentionTimeline;
  /** Why there is no attention to show (decoder none, no dumps), when `attention.steps` is empty. */
  attentionNote: string;
  lengths: { note: string; buckets: readonly LengthBucketRow[] | null };
  alignment: { note: string; rows: readonly AlignmentTableRow[] | null };
  /** The resolved config (config.json), shown as indented JSON. */
  config: unknown;
}

const CSS = `
body{font-family:"DejaVu Sans",Verdana,Arial,Helvetica,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#08306b;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;opacity:.85}
nav{padding:8px 24px;background:#deebf7;font-size:13px}nav a{margin-right:14px;color:#08306b}
section{background:#fff;margin:16px 24px;padding:12px 18px;border:1px solid #dde;border-radius:6px}
h2{font-size:17px;margin:4px 0 10px}.note{color:#555;font-size:13px;margin:4px 0 10px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccd;padding:3px 8px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f0f3f8}pre{background:#f6f8fa;padding:10px;overflow:auto;max-height:480px;font-size:12px}
.controls{display:flex;flex-wrap:wrap;align-items:center;gap:14px;margin-bottom:8px;font-size:14px}
#step-slider{width:320px}#heatmap{overflow:auto}
`;

/**
 * The training report as one self-contained HTML document: inline CSS, inline SVG charts, the
 * attention dumps as compact JSON with a small inline script that draws the selected step's
 * heatmap (no CDN, fonts, images or network of any kind; it opens from file://).
 */
export function reportHtml(input: ReportInput): string {
  const out: string[] = [];
  out.push("<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">');
  // No network: a Content-Security-Policy that allows only this document's inline style and script.
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`);
  out.push(`<title>attn report: ${esc(input.run)}</title>`, `<style>${CSS}</style>`, "</head>", "<body>");
  out.push(`<header><h1>attn report: ${esc(input.run)}</h1><p>generated ${esc(input.generated)}</p></header>`);
  out.push('<nav><a href="#run">run</a><a href="#curves">training curves</a><a href="#attention">attention</a><a href="#lengths">accuracy by length</a><a href="#alignment">alignment</a><a href="#config">config</a></nav>');

  out.push('<section id="run"><h2>Run</h2><table class="meta">');
  for (const [k, v] of input.metadata) out.push(`<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  out.push("</table></section>");

  out.push('<section id="curves"><h2>Training curves</h2><p class="note">From metrics.jsonl: train records every training.logEvery steps, valid records at each validation. NaN and Infinity values break a line and are counted under the chart.</p><div class="charts">');
  for (const c of input.charts) out.push(lineChartSvg(c));
  out.push("</div></section>");

  out.push('<section id="attention"><h2>Attention of the validation sentences during training</h2>');
  if (input.attention.steps.length === 0) {
    out.push(`<p class="note">${esc(input.attentionNote)}</p>`);
  } else {
    out.push(`<p class="note">From attention/step-N.csv: the greedy translations of the first validation sentences at each of the ${input.attention.steps.length} validations. Rows are the emitted target tokens, columns the source tokens; the colour scale is fixed to 0–1 (ColorBrewer Blues), exact zeros are hatched grey. Move the slider to watch the alignment emerge.</p>`);
    out.push('<div class="controls">');
    out.push(`<label>map <select id="map-select">${input.attention.maps.map((m, i) => `<option value="${i}">${esc(m.label)}</option>`).join("")}</select></label>`);
    out.push(`<label>validation <input id="step-slider" type="range" min="0" max="${input.attention.steps.length - 1}" step="1" value="${input.attention.steps.length - 1}"></label>`);
    out.push('<output id="step-label"></output>');
    out.push("</div>", scaleDefs(BLUES), '<div id="heatmap"></div>');
    out.push(`<script type="application/json" id="attention-data">${jsonForScript({ ...input.attention, colors: colorTable(), dark: DARK_FROM })}</script>`);
    out.push(`<script>${HEATMAP_SCRIPT}</script>`);
  }
  out.push("</section>");

  out.push('<section id="lengths"><h2>Accuracy by source length</h2>');
  out.push(`<p class="note">${esc(input.lengths.note)}</p>`);
  if (input.lengths.buckets && input.lengths.buckets.length > 0) {
    out.push('<table class="lengths"><tr><th>source length (tokens)</th><th>sentences</th><th>exact match</th><th>BLEU</th></tr>');
    for (const b of input.lengths.buckets) {
      out.push(`<tr><td>${b.from === b.to ? b.from : `${b.from}–${b.to}`}</td><td class="num">${b.sentences}</td><td class="num">${pct(b.exactMatch)}</td><td class="num">${num(b.bleu, 2)}</td></tr>`);
    }
    out.push("</table>");
  }
  out.push("</section>");

  out.push('<section id="alignment"><h2>Alignment quality against gold</h2>');
  out.push(`<p class="note">${esc(input.alignment.note)}</p>`);
  if (input.alignment.rows && input.alignment.rows.length > 0) {
    out.push('<table class="alignment"><tr><th>attention</th><th>argmax AER</th><th>precision</th><th>recall</th><th>shift-att AER</th><th>precision</th><th>recall</th></tr>');
    for (const r of input.alignment.rows) {
      const cells = [r.argmax, r.shiftAtt].flatMap((s) => [s.aer, s.precision, s.recall]).map((v) => `<td class="num">${num(v, 3)}</td>`);
      out.push(`<tr><td>${esc(r.maps)}</td>${cells.join("")}</tr>`);
    }
    out.push("</table>");
  }
  out.push("</section>");

  out.push(`<section id="config"><h2>Resolved config (config.json)</h2><pre>${esc(JSON.stringify(input.config, null, 2))}</pre></section>`);
  out.push("</body>", "</html>");
  return out.join("\n") + "\n";
}

/** 101 colours of the attention scale, index = round(100 · weight). */
function colorTable(): string[] {
  return Array.from({ length: 101 }, (_, i) => weightColor(i / 100));
}

/** JSON safe inside a <script> element: no "<" at all, so neither </script> nor <!-- can occur. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : String(v);
}

function num(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}
