/**
 * Training throughput of attn on a config, measured like ../shared/bench/torch/seq2seq_bench.py:
 * warm-up steps (untimed), then timed steps; target tokens/s counts non-padding target tokens
 * (</s> included), the same quantity the PyTorch script reports.
 *
 *   npx tsx bench/seq2seq.ts --config configs/bench/A-gru-bahdanau-128.json [--steps 100] [--warmup 10] [--threads N] [--json]
 *   ATTN_KERNELS=js npx tsx bench/seq2seq.ts ...   # force a kernel set (default: the fastest)
 */
import { applyKernelChoice, applyThreadChoice } from "../src/cli/kernelChoice.js";
import { activeThreads } from "../src/kernels/index.js";
import { toDataOptions } from "../src/config/dataOptions.js";
import { loadConfig } from "../src/config/load.js";
import { BatchIterator } from "../src/data/batching.js";
import { prepareData } from "../src/data/dataset.js";
import { buildModel } from "../src/models/build.js";
import { Rng } from "../src/tensor/rng.js";
import { Arena, kernelMemory } from "../src/tensor/storage.js";
import { buildOptimizer, buildScheduler } from "../src/train/optimizerFactory.js";
import { trainStep } from "../src/train/trainer.js";

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const configPath = arg("--config");
if (!configPath) {
  process.stderr.write("usage: npx tsx bench/seq2seq.ts --config FILE [--steps N] [--warmup N] [--json]\n");
  process.exit(2);
}
const steps = Number(arg("--steps", "100"));
const warmup = Number(arg("--warmup", "10"));
const json = process.argv.includes("--json");

const kernelsName = applyKernelChoice(); // ATTN_KERNELS=js|wasm|wasm-fma, default the fastest
applyThreadChoice(arg("--threads")); // unset: attn's default (the cores, at most 4), as a user gets it
const t0 = performance.now();
const { config, baseDir } = loadConfig(configPath);
const data = await prepareData(toDataOptions(config), baseDir);
const dataSeconds = (performance.now() - t0) / 1000;
const model = buildModel(config.model, { source: data.pipeline.srcVocab.size, target: data.pipeline.tgtVocab.size }, config.seed);
const optimizer = buildOptimizer(config.training, model.namedParameters());
const scheduler = buildScheduler(config.training);
const rng = new Rng(config.seed).fork("scheduled-sampling");
const t = config.training;
const iterator = new BatchIterator(data.train.examples, { ...(t.maxTokens ? { maxTokens: t.maxTokens } : { batchSize: t.batchSize }), bucket: true, shuffle: true }, config.seed);

let epoch = 0;
let k = 0;
function nextBatch() {
  if (k >= iterator.numBatches(epoch)) {
    epoch++;
    k = 0;
  }
  return iterator.batch(epoch, k++);
}

// As in the trainer: each step's tensors live in an arena released before the next step.
const arena = new Arena();
const step = (batch: ReturnType<typeof nextBatch>) => {
  arena.reset();
  return arena.run(() => trainStep(model, batch, optimizer, scheduler, config, rng));
};
const losses: number[] = [];
for (let i = 0; i < warmup; i++) {
  const r = step(nextBatch());
  if (r.ok) losses.push(r.loss);
}
const times: number[] = [];
let tgtTokens = 0;
let srcTokens = 0;
const start = performance.now();
for (let i = 0; i < steps; i++) {
  const batch = nextBatch();
  const s = performance.now();
  const r = step(batch);
  times.push(performance.now() - s);
  if (!r.ok) throw new Error(`non-finite ${r.what} at step ${i}`);
  losses.push(r.loss);
  tgtTokens += batch.tgtTokens;
  for (const l of batch.srcLengths) srcTokens += l;
}
const wall = (performance.now() - start) / 1000;
times.sort((a, b) => a - b);
const tail = losses.slice(-20);
const result = {
  config: configPath,
  pairs: data.train.examples.length,
  srcVocab: data.pipeline.srcVocab.size,
  tgtVocab: data.pipeline.tgtVocab.size,
  params: model.numParameters(),
  batch: t.batchSize,
  warmupSteps: warmup,
  steps,
  wallSeconds: Number(wall.toFixed(3)),
  tgtTokensPerSecond: Number((tgtTokens / wall).toFixed(1)),
  srcTokensPerSecond: Number((srcTokens / wall).toFixed(1)),
  msPerStep: Number(((1000 * wall) / steps).toFixed(2)),
  msPerStepMedian: Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
  lossFirst: Number(losses[0]!.toFixed(4)),
  lossFinal: Number((tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(4)),
  arenaPeakMiB: Number((arena.peakBytes / 2 ** 20).toFixed(1)),
  kernelMemoryMiB: Number((kernelMemory().usedBytes / 2 ** 20).toFixed(1)),
  peakRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  dataPrepSeconds: Number(dataSeconds.toFixed(3)),
  node: process.version,
  kernels: kernelsName,
  threads: activeThreads(),
};
if (json) process.stdout.write(JSON.stringify(result) + "\n");
else
  process.stdout.write(
    `${result.pairs} pairs | vocab ${result.srcVocab} → ${result.tgtVocab} | params ${result.params.toLocaleString("en-US")}\n` +
      `${steps} steps in ${wall.toFixed(1)} s | ${result.msPerStep} ms/step (median ${result.msPerStepMedian}) | ${Math.round(result.tgtTokensPerSecond)} tgt tok/s | loss ${result.lossFirst} → ${result.lossFinal} | peak RSS ${result.peakRssMiB} MiB\n`,
  );
