import chalk from "chalk";
import { readFileSync } from "node:fs";
import { toDataOptions } from "../config/dataOptions.js";
import { collate } from "../data/batching.js";
import { prepareData, type EncodedSplit } from "../data/dataset.js";
import { forcedDecode } from "../decode/forced.js";
import { UserError } from "../errors.js";
import { corpusAttentionMassOnGold, type GoldAlignment } from "../eval/alignment.js";
import type { TranslationModel } from "../models/types.js";
import { loadForInference } from "../train/loadForInference.js";
import { decodedScores, decodeSample, validate, type DecodedSample } from "../train/validate.js";

export interface EvalOptions {
  checkpoint: string;
  split: string;
  beam: number;
  limit?: number;
  json?: boolean;
  /** Report exact match and BLEU per source-length bucket of this width (in source tokens). */
  byLength?: number;
  /** Pharaoh gold alignments, line-aligned with the split: report the attention mass on gold links. */
  alignments?: string;
}

interface Bucket {
  from: number;
  to: number;
  sentences: number;
  exactMatch: number;
  bleu: number;
}

/** `attn eval`: loss, perplexity, exact match and BLEU of a checkpoint on a split of its run's data. */
export async function runEval(o: EvalOptions): Promise<void> {
  if (o.split !== "train" && o.split !== "valid" && o.split !== "test") throw new UserError(`--split: expected train, valid or test; got "${o.split}"`);
  const { model, pipeline, config, runInfo, checkpointDir, step } = loadForInference(o.checkpoint);
  if (!runInfo) throw new UserError(`${o.checkpoint}: evaluation needs the run folder (run.json says where the data paths resolve)`);
  const data = await prepareData(toDataOptions(config), runInfo.baseDir, pipeline);
  const split = data[o.split];
  const limit = Math.min(o.limit ?? split.examples.length, split.examples.length);
  // Decode once; the overall scores and the per-length buckets read the same texts.
  const sample = decodeSample(model, split, pipeline, config, limit, o.beam);
  const r = validate(model, split, pipeline, config, step, sample);
  const buckets = o.byLength ? lengthBuckets(sample, o.byLength) : null;
  const goldMass = o.alignments ? attentionMassOnGold(model, split, o.alignments, limit) : null;
  if (o.json) {
    process.stdout.write(JSON.stringify({ checkpoint: checkpointDir, split: o.split, beam: o.beam, pairs: split.examples.length, ...r, ...(buckets ? { buckets } : {}), ...(goldMass !== null ? { attentionMassOnGold: goldMass } : {}) }) + "\n");
    return;
  }
  let text =
    `${chalk.bold(checkpointDir)} (step ${step}) on ${o.split} (${split.examples.length} pairs, ${r.decoded} decoded, beam ${o.beam})\n` +
    `  loss ${r.loss.toFixed(4)} | perplexity ${r.perplexity.toFixed(3)} | exact match ${(100 * r.exactMatch).toFixed(2)}% | BLEU ${r.bleu.toFixed(2)}\n`;
  if (goldMass !== null) text += `  attention mass on gold-aligned source words: ${(100 * goldMass).toFixed(1)}%\n`;
  if (buckets) {
    text += "\n| source length | sentences | exact match | BLEU |\n|---|---:|---:|---:|\n";
    for (const b of buckets) text += `| ${b.from}–${b.to} | ${b.sentences} | ${(100 * b.exactMatch).toFixed(1)}% | ${b.bleu.toFixed(2)} |\n`;
  }
  process.stdout.write(text);
}

/** Exact match and BLEU per bucket of source length (tokens, </s> not counted). */
function lengthBuckets(sample: DecodedSample, width: number): Bucket[] {
  const groups = new Map<number, { hyp: string[]; ref: string[] }>();
  sample.examples.forEach((ex, i) => {
    const key = Math.floor((ex.src.length - 2) / width);
    const g = groups.get(key) ?? { hyp: [], ref: [] };
    g.hyp.push(sample.hypotheses[i]!);
    g.ref.push(sample.references[i]!);
    groups.set(key, g);
  });
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, g]) => ({ from: key * width + 1, to: (key + 1) * width, sentences: g.hyp.length, ...decodedScores(g.hyp, g.ref) }));
}

/** Parse a Pharaoh alignment file: one line per pair, `i-j` links (source i, target j). */
export function readPharaoh(file: string): GoldAlignment[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UserError(`--alignments ${file}: cannot read the file`);
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, n) =>
    line
      .trim()
      .split(/\s+/)
      .filter((x) => x.length > 0)
      .map((link) => {
        const m = /^(\d+)-(\d+)$/.exec(link);
        if (!m) throw new UserError(`${file}:${n + 1}: expected links like 0-1 2-3; got "${link}"`);
        return [Number(m[1]), Number(m[2])] as const;
      }),
  );
}

/**
 * Teacher-force each reference target and measure how much attention falls on the gold-aligned
 * source words (micro-averaged over target words that have a gold link; the </s> row and column
 * are not part of the gold alignment and do not count).
 */
function attentionMassOnGold(model: TranslationModel, split: EncodedSplit, file: string, limit: number): number {
  const gold = readPharaoh(file);
  if (gold.length !== split.pairs.length) {
    throw new UserError(`--alignments ${file}: ${gold.length} lines, but the split has ${split.pairs.length} pairs (the file must be line-aligned with the split)`);
  }
  const items: { attention: number[][]; gold: GoldAlignment }[] = [];
  const examples = split.examples.slice(0, limit);
  for (let start = 0; start < examples.length; start += 32) {
    const chunk = examples.slice(start, start + 32);
    const batch = collate(chunk, chunk.map((_, i) => i));
    const results = forcedDecode(model, batch);
    results.forEach((res, i) => {
      if (res.attention.length === 0) throw new UserError("--alignments: this model has no attention (decoder none)");
      items.push({ attention: res.attention, gold: gold[chunk[i]!.index]! });
    });
  }
  return corpusAttentionMassOnGold(items);
}
