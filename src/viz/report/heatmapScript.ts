/**
 * The report's one inline script: reads the attention JSON (attentionTimeline.ts, plus the colour
 * table) and draws the selected map at the slider's validation step as an SVG heatmap with token
 * labels, the same picture as attentionSvg.ts (fixed 0–1 Blues scale, exact zeros hatched grey,
 * non-finite weights magenta, a tooltip per cell). Plain ES2017, no libraries.
 */
export const HEATMAP_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("attention-data").textContent);
  var slider = document.getElementById("step-slider");
  var select = document.getElementById("map-select");
  var label = document.getElementById("step-label");
  var box = document.getElementById("heatmap");
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function short(s) { var a = Array.from(s); return a.length <= 16 ? s : a.slice(0, 15).join("") + "\u2026"; }
  function draw() {
    var si = Number(slider.value), mi = Number(select.value);
    label.textContent = "step " + data.steps[si] + " (" + (si + 1) + " of " + data.steps.length + ")";
    var frame = data.frames[si][mi];
    if (!frame) { box.innerHTML = '<p class="note">This map is not in the dump of step ' + data.steps[si] + ".</p>"; return; }
    var rows = frame[0], cols = frame[1], w = frame[2];
    var n = Math.max(rows.length, cols.length, 1);
    var cell = Math.max(12, Math.min(36, Math.floor(560 / n)));
    var font = Math.max(9, Math.min(13, Math.round(cell * 0.6)));
    var longest = function (list) { return list.reduce(function (m, t) { return Math.max(m, Array.from(short(t)).length); }, 1); };
    var gx = 30 + Math.ceil(longest(rows) * font * 0.62) + 8, gy = 30 + Math.ceil(longest(cols) * font * 0.62) + 8;
    var width = gx + cols.length * cell + 90, height = Math.max(gy + rows.length * cell, gy + 160) + 12;
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" font-size="' + font + '" font-family="DejaVu Sans, Verdana, Arial, sans-serif">'];
    out.push('<defs><pattern id="zero" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bdbdbd" stroke-width="2.5"/></pattern>');
    out.push('<linearGradient id="scale" x1="0" y1="1" x2="0" y2="0">' + data.blues.map(function (c, i) { return '<stop offset="' + i / (data.blues.length - 1) + '" stop-color="' + c + '"/>'; }).join("") + "</linearGradient></defs>");
    out.push('<text x="' + (gx + cols.length * cell / 2) + '" y="14" text-anchor="middle" font-style="italic" fill="#555">source</text>');
    out.push('<text transform="translate(14,' + (gy + rows.length * cell / 2) + ') rotate(-90)" text-anchor="middle" font-style="italic" fill="#555">target</text>');
    cols.forEach(function (t, c) { out.push('<text class="col-label" transform="translate(' + (gx + c * cell + cell / 2) + "," + (gy - 4) + ') rotate(-90)" dy="0.35em"><title>' + esc(t) + "</title>" + esc(short(t)) + "</text>"); });
    rows.forEach(function (t, r) { out.push('<text class="row-label" x="' + (gx - 4) + '" y="' + (gy + r * cell + cell / 2) + '" dy="0.35em" text-anchor="end"><title>' + esc(t) + "</title>" + esc(short(t)) + "</text>"); });
    out.push('<g class="cells">');
    for (var r = 0; r < rows.length; r++) {
      for (var c = 0; c < cols.length; c++) {
        var v = w[r * cols.length + c];
        var fill = v === 0 ? "url(#zero)" : v < 0 ? "#e7298a" : data.colors[Math.round(Math.min(1, v) * 100)];
        out.push('<rect class="cell" data-w="' + v + '" x="' + (gx + c * cell) + '" y="' + (gy + r * cell) + '" width="' + cell + '" height="' + cell + '" fill="' + fill + '"><title>' + esc(rows[r] + " \u2192 " + cols[c] + ": " + (v < 0 ? "not finite" : v)) + "</title></rect>");
        if (cell >= 30 && v >= 0) out.push('<text x="' + (gx + c * cell + cell / 2) + '" y="' + (gy + r * cell + cell / 2) + '" dy="0.35em" text-anchor="middle" font-size="' + Math.round(cell * 0.3) + '" fill="' + (v >= data.dark ? "#fff" : "#222") + '" pointer-events="none">' + (v === 0 ? "0" : v.toFixed(2)) + "</text>");
      }
    }
    out.push("</g>");
    out.push('<rect x="' + gx + '" y="' + gy + '" width="' + cols.length * cell + '" height="' + rows.length * cell + '" fill="none" stroke="#666"/>');
    var lx = gx + cols.length * cell + 20;
    out.push('<rect x="' + lx + '" y="' + gy + '" width="14" height="120" fill="url(#scale)" stroke="#666"/>');
    [0, 0.5, 1].forEach(function (t) { out.push('<text x="' + (lx + 20) + '" y="' + (gy + 120 * (1 - t)) + '" dy="0.35em">' + t.toFixed(1) + "</text>"); });
    out.push('<rect x="' + lx + '" y="' + (gy + 134) + '" width="14" height="14" fill="url(#zero)" stroke="#666"/><text x="' + (lx + 20) + '" y="' + (gy + 141) + '" dy="0.35em">0</text>');
    out.push("</svg>");
    box.innerHTML = out.join("");
  }
  slider.addEventListener("input", draw);
  select.addEventListener("change", draw);
  draw();
})();`;
