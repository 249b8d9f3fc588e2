import { HEATMAP_SVG_SCRIPT } from "../heatmapSvgScript.js";

/**
 * The report's one inline script: reads the attention JSON (attentionTimeline.ts, plus the colour
 * table) and draws the selected map at the slider's validation step with the pages' shared
 * heatmap drawing (heatmapSvgScript.ts: the picture of attentionSvg.ts, a tooltip per cell).
 * Plain ES2017, no libraries.
 */
export const HEATMAP_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("attention-data").textContent);
  var SCALE = { colors: data.colors, dark: data.dark };
  ${HEATMAP_SVG_SCRIPT}
  var slider = document.getElementById("step-slider");
  var select = document.getElementById("map-select");
  var label = document.getElementById("step-label");
  var box = document.getElementById("heatmap");
  function draw() {
    var si = Number(slider.value), mi = Number(select.value);
    label.textContent = "step " + data.steps[si] + " (" + (si + 1) + " of " + data.steps.length + ")";
    var frame = data.frames[si][mi];
    if (!frame) { box.innerHTML = '<p class="note">This map is not in the dump of step ' + data.steps[si] + ".</p>"; return; }
    var rows = frame[0], cols = frame[1], flat = frame[2];
    // The timeline writes a non-finite weight as −1 (attentionTimeline.ts).
    var w = rows.map(function (_, r) { return cols.map(function (_, c) { var v = flat[r * cols.length + c]; return v < 0 ? null : v; }); });
    box.innerHTML = heatmapSvg(rows, cols, w, { fit: 560, label: select.options[mi].text });
  }
  slider.addEventListener("input", draw);
  select.addEventListener("change", draw);
  draw();
})();`;
