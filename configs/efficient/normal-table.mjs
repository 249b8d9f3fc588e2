// Markdown table of configs/efficient/normal-lengths.sh: per run the steps (best checkpoint /
// total) and wall time of training, then from `attn eval --json` on the test split: exact match,
// BLEU and chrF of the best checkpoint.
//   node configs/efficient/normal-table.mjs [RUNS]        (RUNS defaults to runs/efficient)
import fs from "node:fs";
import path from "node:path";

const runs = process.argv[2] ?? "runs/efficient";
const order = ["full", "window", "linformer", "performer"];
const names = fs.readdirSync(runs).filter((f) => f.endsWith(".eval.json")).map((f) => f.replace(/\.eval\.json$/, ""));
const key = (n) => { const m = n.match(/^(.*)-transformer-(.*)$/); return [m[1], order.indexOf(m[2]), m[2]]; };
names.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0].localeCompare(y[0]) || x[1] - y[1]; });

const pct = (x) => (100 * x).toFixed(1) + "%";
console.log("| task | selfAttention | steps (best / run) | training time | ms/step | test exact match | test BLEU | test chrF |");
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const n of names) {
  const [task, , kind] = key(n);
  let ev;
  try { ev = JSON.parse(fs.readFileSync(path.join(runs, n + ".eval.json"), "utf8")); } catch { continue; }
  const log = fs.existsSync(path.join(runs, n + ".train.log")) ? fs.readFileSync(path.join(runs, n + ".train.log"), "utf8") : "";
  const done = log.match(/done: (\d+) steps in (?:(\d+) min )?([\d.]+) s \(([^)]*)\)/);
  const seconds = done ? 60 * Number(done[2] ?? 0) + Number(done[3]) : NaN;
  const time = done ? `${Math.round(seconds)} s${done[4] === "max-steps" ? "" : ` (${done[4]})`}` : "?";
  const msPerStep = done ? Math.round((1000 * seconds) / Number(done[1])) : "?";
  console.log(`| ${task} | ${kind} | ${ev.step} / ${done ? done[1] : "?"} | ${time} | ${msPerStep} | ${pct(ev.exactMatch)} | ${ev.bleu.toFixed(2)} | ${ev.chrF.toFixed(2)} |`);
}
