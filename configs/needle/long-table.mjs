#!/usr/bin/env node
// The table of configs/needle/long.sh (docs/results.md, "Trained on long inputs"), read from its
// OUT folder: accuracy from each run's last validation (metrics.jsonl), speed and memory from the
// timing pass (runs/time-TYPE-LENGTH, logs/time-TYPE-LENGTH.rss).
//   node configs/needle/long-table.mjs OUT
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
if (!out) {
  console.error("usage: node configs/needle/long-table.mjs OUT");
  process.exit(1);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const metricsOf = (run) => readFileSync(join(run, "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const pct = (x) => (x * 100).toFixed(1) + "%";
const lastValid = (run) => metricsOf(run).filter((m) => m.type === "valid").at(-1);
const bestValid = (run) => metricsOf(run).filter((m) => m.type === "valid" && m.best).at(-1);
const rssMiB = (name) => {
  const f = join(out, "logs", `${name}.rss`);
  return existsSync(f) ? (Number(readFileSync(f, "utf8").trim().split("\n").at(-1)) / 1024).toFixed(0) + " MiB" : "—";
};
const config = (run) => JSON.parse(readFileSync(join(run, "config.json"), "utf8"));

const rows = readdirSync(join(out, "runs"))
  .map((name) => /^(.+)-(\d+)$/.exec(name))
  .filter((m) => m && !m[1].startsWith("time-") && !m[1].startsWith("short"))
  .map((m) => ({ type: m[1], length: Number(m[2]), run: join(out, "runs", m[0]) }))
  .filter((r) => existsSync(join(r.run, "metrics.jsonl")) && lastValid(r.run))
  .sort((a, b) => a.length - b.length || a.type.localeCompare(b.type));

console.log("| selfAttention | length | short stage (32–64 tokens): valid exact | long stage: updates × batch | valid exact match | valid loss | ms/update | peak RSS |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const v = lastValid(r.run);
  const c = config(r.run);
  const shortRun = join(out, "runs", `short-${r.type}`);
  const s = existsSync(shortRun) ? bestValid(shortRun) : null;
  const timeRun = join(out, "runs", `time-${r.type}-${r.length}`);
  let ms = "—";
  if (existsSync(join(timeRun, "metrics.jsonl"))) {
    const train = metricsOf(timeRun).filter((m) => m.type === "train");
    const intervals = [];
    for (let i = 1; i < train.length; i++) intervals.push((1000 * (train[i].elapsedSeconds - train[i - 1].elapsedSeconds)) / (train[i].step - train[i - 1].step));
    if (intervals.length > 0) ms = median(intervals).toFixed(0);
  }
  console.log(`| ${r.type} | ${r.length} | ${s ? pct(s.exactMatch) : "—"} | ${v.step} × ${c.training.batchSize} | ${pct(v.exactMatch)} | ${v.loss.toFixed(3)} | ${ms} | ${rssMiB(`time-${r.type}-${r.length}`)} |`);
}
