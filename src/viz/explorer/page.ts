import { BLUES, DARK_FROM, weightColor } from "../colorScale.js";
import { EXPLORER_CSS } from "./explorerCss.js";
import { EXPLORER_SCRIPT } from "./explorerScript.js";
import { HEATMAP_SVG_SCRIPT, scaleDefs } from "../heatmapSvgScript.js";

/**
 * The attention explorer as one HTML document with its style and script inline: it loads no
 * other file, font or library and talks only to the server that sent it (/api/models,
 * /api/translate). `maxBeam` bounds the beam and n-best fields as the server does.
 */
export function explorerHtml(o: { maxBeam: number }): string {
  const scale = { colors: Array.from({ length: 101 }, (_, i) => weightColor(i / 100)), dark: DARK_FROM, maxBeam: o.maxBeam };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>attn serve: attention explorer</title>
<link rel="icon" href="data:,">
<style>${EXPLORER_CSS}</style>
</head>
<body>
${scaleDefs(BLUES)}
<header><h1>attn attention explorer</h1><p>Type a source sentence: each checkpoint translates it, and every attention map is drawn with its tokens. Rows are the tokens that attend (queries), columns those attended to (keys); the colour scale is fixed to 0–1, exact zeros are hatched.</p></header>
<form id="translate-form" autocomplete="off">
<label class="sentence" for="source">Source sentence<input id="source" name="source" type="text" required spellcheck="false" placeholder="a sentence in the models' source language"></label>
<fieldset><legend>decoding</legend>
<label><input type="radio" name="mode" value="greedy" checked> greedy</label>
<label><input type="radio" name="mode" value="beam"> beam</label>
<label>size <input id="beam-size" type="number" min="1" max="${o.maxBeam}" value="5"></label>
<label>n-best <input id="nbest" type="number" min="1" max="${o.maxBeam}" value="1"></label>
</fieldset>
<fieldset><legend>checkpoints</legend><div id="model-picker"></div></fieldset>
<button type="submit">Translate</button>
</form>
<p id="global-status" role="status">Loading the checkpoints…</p>
<main id="panels"></main>
<div id="tooltip" role="tooltip" hidden></div>
<footer>attn serve · runs locally, nothing leaves this machine · rollout: Abnar &amp; Zuidema (2020), see docs/serve.md</footer>
<script>
"use strict";
var SCALE = ${JSON.stringify(scale)};
${HEATMAP_SVG_SCRIPT}
${EXPLORER_SCRIPT}
</script>
</body>
</html>
`;
}
