/**
 * One table row per run folder: parameters, steps, wall time, mean training tokens/s and the best
 * validation — the columns of docs/results.md's comparison tables.
 *
 *   npx tsx bench/runSummary.ts runs/toy-lang-transformer runs/toy-lang-bahdanau
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSafetensors } from "../src/train/safetensors.js";

console.log("| run | parameters | steps | training time | target tokens/s | best valid exact match | best valid BLEU |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const dir of process.argv.slice(2)) {
  const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string | boolean>);
  const train = lines.filter((l) => l.type === "train");
  const valid = lines.filter((l) => l.type === "valid");
  const last = train[train.length - 1]!;
  const tps = train.reduce((a, l) => a + (l.tokensPerSecond as number), 0) / train.length;
  const best = valid.filter((v) => v.best).pop()!;
  const { tensors } = readSafetensors(join(dir, "checkpoints", "last", "model.safetensors"));
  let params = 0;
  for (const t of tensors.values()) params += t.data.length;
  const minutes = (last.elapsedSeconds as number) / 60;
  console.log(`| ${dir.split("/").pop()} | ${params.toLocaleString("en-US")} | ${valid[valid.length - 1]!.step} | ${minutes.toFixed(1)} min | ${Math.round(tps)} | ${(100 * (best.exactMatch as number)).toFixed(1)}% (step ${best.step}) | ${(best.bleu as number).toFixed(2)} |`);
}
