/**
 * The explorer page's script (plain ES2017, no libraries): lists the served models
 * (GET /api/models), translates the typed sentence with each chosen one (POST /api/translate)
 * and draws one panel per model: the n-best list, a large heatmap of the selected attention
 * (kind, layer or rollout, head or head mean), the layer × head grid of thumbnails (click one to
 * enlarge it), p_gen, coverage and support size. A tooltip shows the weight under the pointer.
 */
export const EXPLORER_SCRIPT = String.raw`
var KIND_TITLES = { "cross": "cross-attention (target \u2192 source)", "encoder-self": "encoder self-attention", "decoder-self": "decoder self-attention" };
var AXES = { "cross": ["target", "source"], "encoder-self": ["source (query)", "source (key)"], "decoder-self": ["decoder input (query)", "decoder input (key)"] };
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined) e.textContent = text;
  return e;
}
function fmt(v, d) { return v === null || !isFinite(v) ? "not finite" : v.toFixed(d); }
function postJson(url, body) {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(function (r) {
    return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || ("HTTP " + r.status)); return j; });
  });
}

function Panel(model, box) {
  this.model = model;
  this.result = null;
  this.sel = { kind: "cross", layer: "0", head: "0" };
  var root = this.root = el("section", { "class": "panel", "data-model": model.id, "aria-label": "model " + model.id });
  root.appendChild(el("h2", {}, model.id));
  root.appendChild(el("p", { "class": "family" }, model.family.label + " \u00b7 step " + model.step + " \u00b7 " + model.family.normalizer));
  this.status = root.appendChild(el("p", { "class": "status", "role": "status" }, "Type a sentence and press Translate."));
  this.nbest = root.appendChild(el("ol", { "class": "nbest" }));
  var controls = this.controls = root.appendChild(el("div", { "class": "view-controls", "hidden": "" }));
  var self = this;
  function select(cls, label) {
    var l = controls.appendChild(el("label", {}, label + " "));
    var s = l.appendChild(el("select", { "class": cls }));
    s.addEventListener("change", function () { self.readControls(); self.draw(); });
    return s;
  }
  this.kindSelect = select("kind-select", "attention");
  this.layerSelect = select("layer-select", "layer");
  this.headSelect = select("head-select", "head");
  this.heading = root.appendChild(el("h3", { "class": "map-title" }));
  this.main = root.appendChild(el("div", { "class": "heatmap-box main" }));
  this.stats = root.appendChild(el("p", { "class": "map-stats" }));
  this.gridBox = root.appendChild(el("div", { "class": "grid-box" }));
  this.extras = root.appendChild(el("div", { "class": "extras" }));
  box.appendChild(root);
}
Panel.prototype.loading = function () {
  this.root.setAttribute("aria-busy", "true");
  this.status.textContent = "Translating\u2026";
  this.status.className = "status";
};
Panel.prototype.fail = function (message) {
  this.root.removeAttribute("aria-busy");
  this.result = null;
  this.status.textContent = "Error: " + message;
  this.status.className = "status error";
  this.nbest.innerHTML = ""; this.main.innerHTML = ""; this.gridBox.innerHTML = ""; this.extras.innerHTML = ""; this.stats.textContent = ""; this.heading.textContent = "";
  this.controls.hidden = true;
};
Panel.prototype.show = function (result) {
  this.result = result;
  this.root.removeAttribute("aria-busy");
  this.status.className = "status";
  this.status.textContent = (result.beam === 1 ? "greedy" : "beam " + result.beam) + " \u00b7 " + result.sourceTokens.length + " source \u00d7 " + result.targetTokens.length + " target tokens" + (result.nbest.length > 1 && result.maps.length > 0 ? " \u00b7 the maps are those of translation 1" : "") + (result.notes.length ? " \u00b7 " + result.notes.join("; ") : "");
  this.nbest.innerHTML = "";
  var nb = this.nbest;
  result.nbest.forEach(function (h) {
    var li = nb.appendChild(el("li", { "class": "hypothesis" }));
    li.appendChild(el("span", { "class": h.text === "" ? "translation empty" : "translation" }, h.text === "" ? "(empty: only </s>)" : h.text));
    li.appendChild(el("span", { "class": "score" }, " score " + fmt(h.score, 3) + (h.finished ? "" : " (cut at maxLen)")));
  });
  var kinds = ["cross", "encoder-self", "decoder-self"].filter(function (k) { return result.maps.some(function (m) { return m.kind === k; }); });
  this.kindSelect.innerHTML = "";
  var ks = this.kindSelect;
  kinds.forEach(function (k) { ks.appendChild(el("option", { value: k }, KIND_TITLES[k])); });
  if (kinds.indexOf(this.sel.kind) < 0) this.sel.kind = kinds[0] || "cross";
  this.kindSelect.value = this.sel.kind;
  this.controls.hidden = kinds.length === 0;
  this.fillLayerHead();
  this.draw();
  this.drawExtras();
};
Panel.prototype.mapsOf = function (kind) { return this.result.maps.filter(function (m) { return m.kind === kind; }); };
Panel.prototype.fillLayerHead = function () {
  var maps = this.mapsOf(this.sel.kind), res = this.result, kind = this.sel.kind;
  var layers = maps.map(function (m) { return m.layer; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
  var heads = maps.map(function (m) { return m.head; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
  var hasRollout = res.derived.some(function (d) { return d.kind === kind && d.view === "rollout"; });
  this.layerSelect.innerHTML = "";
  var ls = this.layerSelect, hs = this.headSelect;
  layers.forEach(function (l) { ls.appendChild(el("option", { value: String(l) }, String(l))); });
  if (hasRollout) ls.appendChild(el("option", { value: "rollout" }, "rollout (all layers)"));
  this.headSelect.innerHTML = "";
  heads.forEach(function (h) { hs.appendChild(el("option", { value: String(h) }, String(h))); });
  if (heads.length > 1) hs.appendChild(el("option", { value: "mean" }, "mean of heads"));
  if (!Array.prototype.some.call(ls.options, function (o) { return o.value === this.sel.layer; }, this)) this.sel.layer = ls.options.length ? ls.options[0].value : "0";
  if (!Array.prototype.some.call(hs.options, function (o) { return o.value === this.sel.head; }, this)) this.sel.head = hs.options.length ? hs.options[0].value : "0";
  ls.value = this.sel.layer; hs.value = this.sel.head;
  hs.disabled = this.sel.layer === "rollout";
  ls.disabled = ls.options.length < 2;
};
Panel.prototype.readControls = function () {
  var kindChanged = this.kindSelect.value !== this.sel.kind;
  this.sel = { kind: this.kindSelect.value, layer: this.layerSelect.value, head: this.headSelect.value };
  if (kindChanged) this.fillLayerHead();
  this.headSelect.disabled = this.sel.layer === "rollout";
};
Panel.prototype.current = function () {
  var s = this.sel, res = this.result;
  if (s.layer === "rollout") return { title: "rollout of " + KIND_TITLES[s.kind] + " through every layer", map: res.derived.filter(function (d) { return d.kind === s.kind && d.view === "rollout"; })[0] };
  if (s.head === "mean") return { title: KIND_TITLES[s.kind] + ", layer " + s.layer + ", mean of heads", map: res.derived.filter(function (d) { return d.kind === s.kind && d.view === "mean" && String(d.layer) === s.layer; })[0] };
  return { title: KIND_TITLES[s.kind] + ", layer " + s.layer + ", head " + s.head, map: res.maps.filter(function (m) { return m.kind === s.kind && String(m.layer) === s.layer && String(m.head) === s.head; })[0] };
};
Panel.prototype.draw = function () {
  if (!this.result) return;
  var c = this.current(), s = this.sel;
  this.main.innerHTML = "";
  this.gridBox.innerHTML = "";
  this.heading.textContent = c.map ? c.title : "";
  this.stats.textContent = "";
  if (!c.map) return;
  this.main.innerHTML = heatmapSvg(c.map.rows, c.map.cols, c.map.weights, { label: c.title, rowTitle: AXES[s.kind][0], colTitle: AXES[s.kind][1] });
  var svg = this.main.firstChild;
  svg.setAttribute("data-kind", s.kind); svg.setAttribute("data-layer", s.layer); svg.setAttribute("data-head", s.layer === "rollout" ? "" : s.head);
  if (c.map.support !== undefined) this.stats.textContent = "support size " + fmt(c.map.support, 2) + " of " + c.map.cols.length + " positions per row on average \u00b7 entropy " + fmt(c.map.entropy, 3) + " nats";
  else if (s.layer === "rollout") this.stats.textContent = s.kind === "cross" ? "last layer's head-averaged cross-attention composed with the encoder rollout (docs/serve.md)" : "Abnar & Zuidema (2020): \u00c2 = 0.5\u00b7mean over heads + 0.5\u00b7I per layer, rows renormalised, multiplied through the layers";
  this.drawGrid();
};
Panel.prototype.drawGrid = function () {
  var self = this, kind = this.sel.kind, maps = this.mapsOf(kind), res = this.result;
  if (maps.length < 2) return;
  var layers = maps.map(function (m) { return m.layer; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
  var heads = maps.map(function (m) { return m.head; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
  var withMean = heads.length > 1;
  this.gridBox.appendChild(el("h3", {}, "every layer \u00d7 head (click to enlarge)"));
  var table = this.gridBox.appendChild(el("table", { "class": "grid" }));
  var head = table.appendChild(el("tr"));
  head.appendChild(el("th", {}, "layer"));
  heads.forEach(function (h) { head.appendChild(el("th", { scope: "col" }, "head " + h)); });
  if (withMean) head.appendChild(el("th", { scope: "col" }, "mean"));
  function thumb(td, map, layer, h, label) {
    var b = td.appendChild(el("button", { type: "button", "class": "thumb", "aria-label": label, "data-layer": String(layer), "data-head": String(h) }));
    b.innerHTML = heatmapSvg(map.rows, map.cols, map.weights, { mini: true, label: label });
    if (String(layer) === self.sel.layer && String(h) === self.sel.head) b.classList.add("selected");
    b.addEventListener("click", function () {
      self.sel.layer = String(layer); self.sel.head = String(h);
      self.layerSelect.value = self.sel.layer; self.headSelect.value = self.sel.head; self.headSelect.disabled = false;
      self.draw();
    });
  }
  layers.forEach(function (l) {
    var tr = table.appendChild(el("tr"));
    tr.appendChild(el("th", { scope: "row" }, String(l)));
    heads.forEach(function (h) {
      var m = maps.filter(function (x) { return x.layer === l && x.head === h; })[0];
      var td = tr.appendChild(el("td"));
      if (m) thumb(td, m, l, h, KIND_TITLES[kind] + " layer " + l + " head " + h);
    });
    if (withMean) {
      var mean = res.derived.filter(function (d) { return d.kind === kind && d.view === "mean" && d.layer === l; })[0];
      var td = tr.appendChild(el("td"));
      if (mean) thumb(td, mean, l, "mean", KIND_TITLES[kind] + " layer " + l + " mean of heads");
    }
  });
};
Panel.prototype.drawExtras = function () {
  var res = this.result, box = this.extras;
  box.innerHTML = "";
  function table(title, cls, labels, values) {
    box.appendChild(el("h3", {}, title));
    var t = box.appendChild(el("div", { "class": "values-box" })).appendChild(el("table", { "class": "values " + cls }));
    var r1 = t.appendChild(el("tr")), r2 = t.appendChild(el("tr"));
    r1.appendChild(el("th", { scope: "row" }, "token"));
    r2.appendChild(el("th", { scope: "row" }, cls));
    labels.forEach(function (tok, i) {
      r1.appendChild(el("td", {}, tok));
      var v = values[i], td = r2.appendChild(el("td", { "class": "num" }, fmt(v, 2)));
      if (v !== null && isFinite(v)) { td.style.background = SCALE.colors[Math.round(Math.max(0, Math.min(1, v)) * 100)]; if (v >= SCALE.dark) td.style.color = "#fff"; }
    });
  }
  if (res.pGen) table("p_gen: probability of generating from the vocabulary (1 \u2212 p_gen: copying)", "p_gen", res.targetTokens, res.pGen);
  if (res.coverage) table("coverage: attention each source token received over the whole translation (\u03a3_t a_t)", "coverage", res.sourceTokens, res.coverage);
};

(function () {
  "use strict";
  var form = document.getElementById("translate-form");
  var source = document.getElementById("source");
  var beam = document.getElementById("beam-size");
  var nbest = document.getElementById("nbest");
  var picker = document.getElementById("model-picker");
  var panelsBox = document.getElementById("panels");
  var globalStatus = document.getElementById("global-status");
  var tooltip = document.getElementById("tooltip");
  var panels = [];
  function decoding() {
    var mode = form.querySelector("input[name=mode]:checked").value;
    beam.disabled = mode === "greedy";
    return { beam: mode === "greedy" ? 1 : Number(beam.value), nbest: Number(nbest.value) };
  }
  form.addEventListener("change", decoding);
  fetch("/api/models").then(function (r) { return r.json(); }).then(function (d) {
    d.models.forEach(function (m) {
      var l = picker.appendChild(el("label", { "class": "pick" }));
      var cb = l.appendChild(el("input", { type: "checkbox", value: m.id, checked: "" }));
      l.appendChild(document.createTextNode(" " + m.id));
      var p = new Panel(m, panelsBox);
      cb.addEventListener("change", function () { p.root.hidden = !cb.checked; });
      panels.push(p);
    });
    globalStatus.textContent = d.models.length + " checkpoint" + (d.models.length === 1 ? "" : "s") + " loaded.";
    document.body.setAttribute("data-ready", "true");
  }, function (e) { globalStatus.textContent = "Could not list the models: " + e.message; });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = source.value;
    if (text.trim() === "") { globalStatus.textContent = "Type a sentence first."; source.focus(); return; }
    var d = decoding();
    if (!(d.beam >= 1 && d.beam <= SCALE.maxBeam && d.nbest >= 1 && d.nbest <= SCALE.maxBeam)) { globalStatus.textContent = "Beam size and n-best must be whole numbers from 1 to " + SCALE.maxBeam + "."; return; }
    var shown = panels.filter(function (p) { return !p.root.hidden; });
    globalStatus.textContent = "Translating with " + shown.length + " model" + (shown.length === 1 ? "" : "s") + "\u2026";
    Promise.all(shown.map(function (p) {
      p.loading();
      return postJson("/api/translate", { model: p.model.id, text: text, beam: d.beam, nbest: d.nbest }).then(function (r) { p.show(r); }, function (err) { p.fail(err.message); });
    })).then(function () { globalStatus.textContent = "Done: " + shown.length + " model" + (shown.length === 1 ? "" : "s") + "."; document.body.setAttribute("data-done", String(Number(document.body.getAttribute("data-done") || 0) + 1)); });
  });
  panelsBox.addEventListener("mouseover", function (e) {
    var t = e.target;
    if (!(t instanceof Element) || !t.classList.contains("cell") || !t.closest(".main")) { tooltip.hidden = true; return; }
    var panel = t.closest(".panel");
    var p = panels.filter(function (x) { return x.root === panel; })[0];
    var map = p && p.current().map;
    if (!map) return;
    var r = Number(t.getAttribute("data-r")), c = Number(t.getAttribute("data-c"));
    tooltip.textContent = map.rows[r] + " \u2192 " + map.cols[c] + ": " + fmt(map.weights[r][c], 4);
    var box = t.getBoundingClientRect();
    tooltip.style.left = (box.right + window.scrollX + 6) + "px";
    tooltip.style.top = (box.top + window.scrollY - 4) + "px";
    tooltip.hidden = false;
  });
  panelsBox.addEventListener("mouseleave", function () { tooltip.hidden = true; });
  decoding();
})();
`;
