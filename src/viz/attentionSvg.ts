import { BLUES, DARK_FROM, weightColor } from "./colorScale.js";
import { escapeXml } from "./xml.js";

/** One attention matrix to draw: weights[row][column], rows are queries, columns keys. */
export interface HeatmapSvgInput {
  weights: readonly (readonly number[])[];
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** Printed above the picture, e.g. "sentence 0 · cross · layer 0 · head 0". */
  title: string;
  /** What the rows and columns are, written along the axes. Default "target" and "source". */
  rowAxis?: string;
  colAxis?: string;
}

/** Labels longer than this many characters are cut with "…" (the full token shows as a tooltip). */
const MAX_LABEL = 24;
/** Cells get tooltips with their weight while the matrix has at most this many. */
const MAX_TOOLTIPS = 2500;
const FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/**
 * An attention matrix as a self-contained SVG document (no external fonts, images or links): a
 * grid of cells coloured by weight on a fixed 0–1 scale (colorScale.ts), the row tokens on the
 * left, the column tokens written upwards along the top, the axis names, a title and a colour
 * legend. Weights that are exactly 0 (masked positions, sparsemax / entmax zeros, outside a local
 * window) are hatched grey rather than coloured, so they never look like small weights. Cell size
 * and font scale with the matrix, from 36 px cells (1 token) down to 10 px (≥ 72 tokens; a 200 ×
 * 200 matrix is about 2.2k px square, sharp at any zoom). Large cells print their weight.
 */
export function attentionSvg(input: HeatmapSvgInput): string {
  const { weights, rowLabels, colLabels } = input;
  const rows = weights.length;
  const cols = colLabels.length;
  if (rowLabels.length !== rows) throw new Error(`attentionSvg: ${rows} rows but ${rowLabels.length} row labels`);
  weights.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`attentionSvg: row ${i} has ${r.length} weights but there are ${cols} column labels`);
  });
  const n = Math.max(rows, cols, 1);
  const cell = Math.max(10, Math.min(36, Math.floor(720 / n)));
  const font = Math.max(9, Math.min(13, Math.round(cell * 0.7)));
  const pad = 12;
  const titleFont = font + 3;
  const axisGutter = font + 10;
  const rowLabelW = Math.ceil(Math.max(0, ...rowLabels.map((l) => textWidth(shorten(l), font)))) + 8;
  const colLabelH = Math.ceil(Math.max(0, ...colLabels.map((l) => textWidth(shorten(l), font)))) + 8;
  // Whole pixels, so the cells' coordinates are integers.
  const gridX = pad + axisGutter + rowLabelW;
  const gridY = pad + Math.round(titleFont * 1.6) + axisGutter + colLabelH;
  const gridW = cols * cell;
  const gridH = rows * cell;
  const legendX = gridX + gridW + 28;
  const barW = 14;
  const barH = Math.max(120, Math.min(280, gridH));
  const legendH = barH + 44;
  const width = Math.max(legendX + barW + 8 + textWidth("exactly 0", font) + pad, pad + textWidth(input.title, titleFont) + pad);
  const height = Math.max(gridY + gridH, gridY + legendH) + pad;

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="${FONT}" font-size="${font}">`);
  out.push(`<title>${escapeXml(input.title)}</title>`);
  out.push("<defs>");
  // Exact zeros: grey diagonal hatching on white.
  out.push('<pattern id="zero" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bdbdbd" stroke-width="2.5"/></pattern>');
  out.push('<linearGradient id="scale" x1="0" y1="1" x2="0" y2="0">');
  BLUES.forEach((c, i) => out.push(`<stop offset="${px(i / (BLUES.length - 1))}" stop-color="${c}"/>`));
  out.push("</linearGradient>");
  out.push("</defs>");
  out.push(`<rect width="${px(width)}" height="${px(height)}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${pad}" y="${pad + titleFont}" font-size="${titleFont}" font-weight="bold">${escapeXml(input.title)}</text>`);

  // Axis names: the column axis above the column labels, the row axis upwards left of the row labels.
  const colAxisY = pad + Math.round(titleFont * 1.6) + font;
  out.push(`<text class="axis" x="${px(gridX + gridW / 2)}" y="${px(colAxisY)}" text-anchor="middle" font-style="italic" fill="#555555">${escapeXml(input.colAxis ?? "source")}</text>`);
  const rowAxisX = pad + font;
  out.push(`<text class="axis" transform="translate(${px(rowAxisX)},${px(gridY + gridH / 2)}) rotate(-90)" text-anchor="middle" font-style="italic" fill="#555555">${escapeXml(input.rowAxis ?? "target")}</text>`);

  out.push('<g class="col-labels">');
  colLabels.forEach((label, c) => {
    const x = gridX + c * cell + cell / 2;
    out.push(`<text transform="translate(${px(x)},${px(gridY - 4)}) rotate(-90)" dy="0.35em">${labelContent(label)}</text>`);
  });
  out.push("</g>");
  out.push('<g class="row-labels" text-anchor="end">');
  rowLabels.forEach((label, r) => {
    out.push(`<text x="${px(gridX - 4)}" y="${px(gridY + r * cell + cell / 2)}" dy="0.35em">${labelContent(label)}</text>`);
  });
  out.push("</g>");

  const tooltips = rows * cols <= MAX_TOOLTIPS;
  const printValues = cell >= 30;
  out.push('<g class="cells">');
  weights.forEach((row, r) => {
    row.forEach((w, c) => {
      const x = gridX + c * cell;
      const y = gridY + r * cell;
      const fill = w === 0 ? "url(#zero)" : Number.isFinite(w) ? weightColor(w) : "#e7298a";
      const tip = tooltips ? `<title>${escapeXml(`${rowLabels[r]} → ${colLabels[c]}: ${formatWeight(w)}`)}</title>` : "";
      out.push(`<rect class="cell" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}">${tip}</rect>`);
    });
  });
  out.push("</g>");
  if (printValues) {
    const valueFont = Math.round(cell * 0.3);
    out.push(`<g class="values" text-anchor="middle" font-size="${valueFont}">`);
    weights.forEach((row, r) => {
      row.forEach((w, c) => {
        const color = Number.isFinite(w) && w >= DARK_FROM ? "#ffffff" : "#222222";
        out.push(`<text x="${px(gridX + c * cell + cell / 2)}" y="${px(gridY + r * cell + cell / 2)}" dy="0.35em" fill="${color}">${w === 0 ? "0" : Number.isFinite(w) ? w.toFixed(2) : escapeXml(String(w))}</text>`);
      });
    });
    out.push("</g>");
  }
  out.push(`<rect x="${px(gridX)}" y="${px(gridY)}" width="${px(gridW)}" height="${px(gridH)}" fill="none" stroke="#666666" stroke-width="1"/>`);

  // Legend: the 0–1 scale with ticks, then a swatch of the exact-zero hatching.
  const barY = gridY;
  out.push('<g class="legend">');
  out.push(`<rect x="${px(legendX)}" y="${px(barY)}" width="${barW}" height="${px(barH)}" fill="url(#scale)" stroke="#666666" stroke-width="1"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = barY + barH * (1 - t);
    out.push(`<line x1="${px(legendX + barW)}" y1="${px(y)}" x2="${px(legendX + barW + 4)}" y2="${px(y)}" stroke="#666666"/>`);
    out.push(`<text x="${px(legendX + barW + 7)}" y="${px(y)}" dy="0.35em">${t.toFixed(2)}</text>`);
  }
  const zeroY = barY + barH + 18;
  out.push(`<rect x="${px(legendX)}" y="${px(zeroY)}" width="${barW}" height="${barW}" fill="url(#zero)" stroke="#666666" stroke-width="1"/>`);
  out.push(`<text x="${px(legendX + barW + 7)}" y="${px(zeroY + barW / 2)}" dy="0.35em">exactly 0</text>`);
  out.push("</g>");
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** A label's text, cut to MAX_LABEL characters, with the whole token as its tooltip when cut. */
function labelContent(label: string): string {
  const short = shorten(label);
  return short === label ? escapeXml(label) : `<title>${escapeXml(label)}</title>${escapeXml(short)}`;
}

function shorten(label: string): string {
  const cps = Array.from(label);
  return cps.length <= MAX_LABEL ? label : cps.slice(0, MAX_LABEL - 1).join("") + "…";
}

/** Approximate rendered width: wide (CJK, emoji) characters one em, others 0.62 em. */
function textWidth(text: string, font: number): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? font : 0.62 * font;
  return w;
}

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

function formatWeight(w: number): string {
  return w === 0 ? "0" : Number.isFinite(w) ? Number(w.toPrecision(4)).toString() : String(w);
}

/** Coordinates with at most two decimals. */
function px(v: number): string {
  return Number(v.toFixed(2)).toString();
}
