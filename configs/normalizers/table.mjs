// Markdown table of the normaliser comparison written by configs/normalizers/run.sh.
//   node configs/normalizers/table.mjs [RUNS]        (RUNS defaults to runs/normalizers)
// Per run: steps (best checkpoint / total) and wall time of training, then from
// `attn eval --json` on the test split: exact match, BLEU, the cross-attention's mean support
// size (weights > 0 per target row) out of the positions it may attend to, the attention mass on
// gold-aligned source words and the AER of argmax and shift-att alignments. For the Transformer
// the support, the mass and the AER are those of the last decoder layer's cross-attention (the
// support averaged over its heads; mass and AER read the mean of its heads), the map
// `attn eval` uses for the mass on gold. With learned α: the final α of the cross-attention
// (Bahdanau) or the range over the last layer's cross-attention heads (Transformer).
import fs from "node:fs";
import path from "node:path";

const runs = process.argv[2] ?? "runs/normalizers";
const order = ["softmax", "sparsemax", "entmax15", "entmax-learned"];
const label = { softmax: "softmax", sparsemax: "sparsemax", entmax15: "1.5-entmax", "entmax-learned": "entmax, learned α (start 1.5)" };
const names = fs.readdirSync(runs).filter((f) => f.endsWith(".eval.json")).map((f) => f.replace(/\.eval\.json$/, ""));
const key = (n) => { const m = n.match(/^(.*)-(bahdanau|transformer)-(.*)$/); return [m[1], m[2], order.indexOf(m[3])]; };
names.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0].localeCompare(y[0]) || x[1].localeCompare(y[1]) || x[2] - y[2]; });

function tensors(file) {
  const b = fs.readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  const h = JSON.parse(b.subarray(8, 8 + n).toString());
  const out = {};
  for (const [k, v] of Object.entries(h)) {
    if (k === "__metadata__" || !k.endsWith("pre_alpha")) continue;
    const [s, e] = v.data_offsets;
    const buf = b.subarray(8 + n + s, 8 + n + e);
    out[k] = Array.from({ length: (e - s) / 4 }, (_, i) => 1.01 + Math.log1p(Math.exp(buf.readFloatLE(4 * i))));
  }
  return out;
}

const pct = (x) => (100 * x).toFixed(1) + "%";
console.log("| task | model | normaliser | steps (best / run) | training time | test exact match | test BLEU | cross-attn support / positions | mass on gold | AER argmax | AER shift-att | learned α (cross) |");
console.log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const n of names) {
  const [task, model] = key(n);
  const norm = n.slice(task.length + model.length + 2);
  let ev;
  try { ev = JSON.parse(fs.readFileSync(path.join(runs, n + ".eval.json"), "utf8")); } catch { continue; }
  const log = fs.existsSync(path.join(runs, n + ".train.log")) ? fs.readFileSync(path.join(runs, n + ".train.log"), "utf8") : "";
  const done = log.match(/done: (\d+) steps in (?:(\d+) min )?([\d.]+) s \(([^)]*)\)/);
  const cross = ev.attention.filter((a) => a.kind === "cross");
  const lastLayer = Math.max(...cross.map((a) => a.layer));
  const last = cross.filter((a) => a.layer === lastLayer);
  const support = last.reduce((s, a) => s + a.support, 0) / last.length;
  const positions = last.reduce((s, a) => s + a.positions, 0) / last.length;
  const rows = ev.alignment.rows;
  const row = model === "transformer" ? rows.find((r) => r.layer === null && r.maps.startsWith(`layer ${lastLayer},`)) : rows[0];
  let alpha = "—";
  if (norm === "entmax-learned") {
    const t = tensors(path.join(ev.checkpoint, "model.safetensors"));
    const k = model === "transformer" ? `decoder.layers.${lastLayer}.multihead_attn.normalizer.pre_alpha` : "decoder.attention.normalizer.pre_alpha";
    const a = t[k] ?? [];
    alpha = a.length === 1 ? a[0].toFixed(2) : a.length ? `${Math.min(...a).toFixed(2)}–${Math.max(...a).toFixed(2)}` : "?";
  }
  const time = done ? `${Math.round(60 * Number(done[2] ?? 0) + Number(done[3]))} s${done[4] === "max-steps" ? "" : ` (${done[4]})`}` : "?";
  console.log(`| ${task} | ${model} | ${label[norm]} | ${ev.step} / ${done ? done[1] : "?"} | ${time} | ${pct(ev.exactMatch)} | ${ev.bleu.toFixed(2)} | ${support.toFixed(2)} / ${positions.toFixed(2)} | ${pct(ev.attentionMassOnGold)} | ${row.argmax.aer.toFixed(3)} | ${row["shift-att"].aer.toFixed(3)} | ${alpha} |`);
}
