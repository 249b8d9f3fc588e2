/** The pattern and gradient every heatmap refers to, defined once per page (ids must be unique). */
export function scaleDefs(blues: readonly string[]): string {
  const stops = blues.map((c, i) => `<stop offset="${i / (blues.length - 1)}" stop-color="${c}"/>`).join("");
  return (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>' +
    '<pattern id="attn-zero" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bdbdbd" stroke-width="2.5"/></pattern>' +
    `<linearGradient id="attn-scale" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs></svg>`
  );
}

/**
 * The heatmap drawing of the HTML pages (`attn report`, `attn serve`), as browser JavaScript
 * (plain ES2017): `heatmapSvg(rows, cols, weights, opts)` returns an SVG string with token labels,
 * the same picture as attentionSvg.ts (fixed 0–1 Blues scale, exact zeros hatched grey,
 * non-finite weights — null in JSON — magenta). `weights` is rows × cols; `opts.fit` is the pixel
 * budget of the longer side. Every cell is a `rect.cell` carrying data-r, data-c and data-w, so a
 * test (or a tooltip) reads exactly what is drawn; `opts.mini` draws a small unlabelled thumbnail.
 * Needs `SCALE` = { colors: 101 colours by round(100·w), dark } in scope, and the page's one
 * shared <defs> (scaleDefs: hatching #attn-zero, gradient #attn-scale).
 */
export const HEATMAP_SVG_SCRIPT = String.raw`
function esc(s) {
  return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
}
function shortToken(s) { var a = Array.from(s); return a.length <= 14 ? s : a.slice(0, 13).join("") + "\u2026"; }
function cellFill(v) {
  if (v === null || !isFinite(v)) return "#e7298a";
  return v === 0 ? "url(#attn-zero)" : SCALE.colors[Math.round(Math.max(0, Math.min(1, v)) * 100)];
}
function heatmapSvg(rows, cols, w, opts) {
  var mini = Boolean(opts.mini);
  var n = Math.max(rows.length, cols.length, 1);
  var cell = mini ? Math.max(3, Math.min(12, Math.floor(96 / n))) : Math.max(12, Math.min(36, Math.floor((opts.fit || 420) / n)));
  var font = Math.max(9, Math.min(13, Math.round(cell * 0.6)));
  var longest = function (list) { return list.reduce(function (m, t) { return Math.max(m, Array.from(shortToken(t)).length); }, 1); };
  var gx = mini ? 1 : 26 + Math.ceil(longest(rows) * font * 0.62) + 8;
  var gy = mini ? 1 : 26 + Math.ceil(longest(cols) * font * 0.62) + 8;
  var width = gx + cols.length * cell + (mini ? 1 : 70), height = mini ? gy + rows.length * cell + 1 : Math.max(gy + rows.length * cell, gy + 150) + 10;
  var out = ['<svg xmlns="http://www.w3.org/2000/svg" class="' + (mini ? "heatmap-mini" : "heatmap") + '" role="img" aria-label="' + esc(opts.label || "attention heatmap") + '" data-rows="' + rows.length + '" data-cols="' + cols.length + '" width="' + width + '" height="' + height + '" font-size="' + font + '" font-family="DejaVu Sans, Verdana, Arial, sans-serif">'];
  if (!mini) {
    out.push('<text x="' + (gx + cols.length * cell / 2) + '" y="12" text-anchor="middle" font-style="italic" fill="#555">' + esc(opts.colTitle || "source") + "</text>");
    out.push('<text transform="translate(12,' + (gy + rows.length * cell / 2) + ') rotate(-90)" text-anchor="middle" font-style="italic" fill="#555">' + esc(opts.rowTitle || "target") + "</text>");
    cols.forEach(function (t, c) { out.push('<text class="col-label" transform="translate(' + (gx + c * cell + cell / 2) + "," + (gy - 4) + ') rotate(-90)" dy="0.35em"><title>' + esc(t) + "</title>" + esc(shortToken(t)) + "</text>"); });
    rows.forEach(function (t, r) { out.push('<text class="row-label" x="' + (gx - 4) + '" y="' + (gy + r * cell + cell / 2) + '" dy="0.35em" text-anchor="end"><title>' + esc(t) + "</title>" + esc(shortToken(t)) + "</text>"); });
  }
  out.push('<g class="cells">');
  for (var r = 0; r < rows.length; r++) {
    for (var c = 0; c < cols.length; c++) {
      var v = w[r][c];
      out.push('<rect class="cell" data-r="' + r + '" data-c="' + c + '" data-w="' + v + '" x="' + (gx + c * cell) + '" y="' + (gy + r * cell) + '" width="' + cell + '" height="' + cell + '" fill="' + cellFill(v) + '">' + (mini ? "" : "<title>" + esc(rows[r] + " \u2192 " + cols[c] + ": " + (v === null || !isFinite(v) ? "not finite" : v)) + "</title>") + "</rect>");
      if (!mini && cell >= 30 && v !== null && isFinite(v)) out.push('<text x="' + (gx + c * cell + cell / 2) + '" y="' + (gy + r * cell + cell / 2) + '" dy="0.35em" text-anchor="middle" font-size="' + Math.round(cell * 0.3) + '" fill="' + (v >= SCALE.dark ? "#fff" : "#222") + '" pointer-events="none">' + (v === 0 ? "0" : v.toFixed(2)) + "</text>");
    }
  }
  out.push("</g>");
  out.push('<rect x="' + gx + '" y="' + gy + '" width="' + cols.length * cell + '" height="' + rows.length * cell + '" fill="none" stroke="#666"/>');
  if (!mini) {
    var lx = gx + cols.length * cell + 18;
    out.push('<rect x="' + lx + '" y="' + gy + '" width="14" height="110" fill="url(#attn-scale)" stroke="#666"/>');
    [0, 0.5, 1].forEach(function (t) { out.push('<text x="' + (lx + 20) + '" y="' + (gy + 110 * (1 - t)) + '" dy="0.35em">' + t.toFixed(1) + "</text>"); });
    out.push('<rect x="' + lx + '" y="' + (gy + 124) + '" width="14" height="14" fill="url(#attn-zero)" stroke="#666"/><text x="' + (lx + 20) + '" y="' + (gy + 131) + '" dy="0.35em">0</text>');
  }
  out.push("</svg>");
  return out.join("");
}
`;
