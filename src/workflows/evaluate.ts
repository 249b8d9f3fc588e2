import chalk from "chalk";
import { toDataOptions } from "../config/dataOptions.js";
import { describeLimit, positionLimit } from "../config/positionLimit.js";
import { collate } from "../data/batching.js";
import { prepareData, type EncodedSplit } from "../data/dataset.js";
import { forcedDecode } from "../decode/forced.js";
import { UserError } from "../errors.js";
import { toJson } from "../json.js";
import { corpusAttentionMassOnGold, type GoldAlignment } from "../eval/alignment.js";
import type { GoldLinks } from "../eval/pharaoh.js";
import { textScores } from "../eval/textScores.js";
import { AttentionStatsAccumulator, type AttentionStats } from "../eval/attentionStats.js";
import type { TranslationModel } from "../models/types.js";
import { loadForInference } from "../train/loadForInference.js";
import { decodedScores, decodeSample, validate, type DecodedSample } from "../train/validate.js";
import { alignmentReport, formatAlignmentReport } from "./alignmentReport.js";
import { readGoldAlignments } from "./goldAlignments.js";
import { attentionByExample } from "./pairAttention.js";
import { learnedSpans } from "../attention/adaptiveSpan.js";
import { formatSpans } from "./spanReport.js";

export interface EvalOptions {
  checkpoint: string;
  split: string;
  beam: number;
  limit?: number;
  json?: boolean;
  /** Report exact match and BLEU per source-length bucket of this width (in source tokens). */
  byLength?: number;
  /**
   * Pharaoh gold alignments, line-aligned with the split's data file: report the attention mass
   * on gold links and the AER, precision and recall of hard alignments (per head for Transformers).
   */
  alignments?: string;
}

export interface Bucket {
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
  // Pairs a learned-position Transformer cannot read are skipped with a count, as in training's validation.
  const positions = positionLimit(config.model);
  if (positions && split.tooLongForModel > 0) {
    process.stderr.write(chalk.yellow(`warning: ${o.split}: skipped ${split.tooLongForModel} of ${split.tooLongForModel + split.examples.length} pairs longer than this model reads (${describeLimit(positions)}: at most ${positions.sentenceTokens} tokens a side)`) + "\n");
  }
  if (split.examples.length === 0) {
    throw new UserError(`--split ${o.split}: no pairs to evaluate (the split is empty after reading, splitting and length filtering); expected a split with pairs`);
  }
  const limit = Math.min(o.limit ?? split.examples.length, split.examples.length);
  // A bad gold file stops before any decoding.
  const gold = o.alignments ? readGoldAlignments(o.alignments, split, o.split) : null;
  // Decode once; the overall scores and the per-length buckets read the same texts.
  const sample = decodeSample(model, split, pipeline, config, limit, o.beam);
  const r = validate(model, split, pipeline, config, step, sample);
  const buckets = o.byLength ? lengthBuckets(sample, o.byLength) : null;
  const scores = textScores(sample.hypotheses, sample.references);
  const goldMass = gold ? attentionMassOnGold(model, split, gold, limit) : null;
  const alignment = gold ? alignmentReport(model, split, gold, limit) : null;
  const attention = attentionStats(model, split, limit);
  const spans = learnedSpans(model);
  if (o.json) {
    process.stdout.write(toJson({ checkpoint: checkpointDir, split: o.split, beam: o.beam, pairs: split.examples.length, skippedTooLong: split.tooLongForModel, ...r, ...(buckets ? { buckets } : {}), chrF: scores.chrF, chrFpp: scores.chrFpp, signatures: scores.signatures, ...(goldMass !== null ? { attentionMassOnGold: goldMass } : {}), ...(alignment ? { alignment } : {}), attention, ...(spans.length > 0 ? { adaptiveSpans: spans } : {}) }) + "\n");
    return;
  }
  let text =
    `${chalk.bold(checkpointDir)} (step ${step}) on ${o.split} (${split.examples.length} pairs, ${r.decoded} decoded, beam ${o.beam})\n` +
    `  loss ${r.loss.toFixed(4)} | perplexity ${r.perplexity.toFixed(3)} | exact match ${(100 * r.exactMatch).toFixed(2)}% | BLEU ${r.bleu.toFixed(2)} | chrF ${scores.chrF.toFixed(2)} | chrF++ ${scores.chrFpp.toFixed(2)}\n` +
    `  sacreBLEU signatures: BLEU ${scores.signatures.bleu} | chrF ${scores.signatures.chrF} | chrF++ ${scores.signatures.chrFpp}\n`;
  if (goldMass !== null) text += `  attention mass on gold-aligned source words: ${(100 * goldMass).toFixed(1)}%\n`;
  if (alignment) text += formatAlignmentReport(alignment);
  if (attention.length > 0) {
    text += "\n| attention | layer | head | support (weights > 0) | of positions | entropy (nats) |\n|---|---:|---:|---:|---:|---:|\n";
    for (const a of attention) text += `| ${a.kind} | ${a.layer} | ${a.head} | ${a.support.toFixed(2)} | ${a.positions.toFixed(2)} | ${a.entropy.toFixed(3)} |\n`;
  }
  if (spans.length > 0) text += formatSpans(spans);
  if (buckets) {
    text += "\n| source length | sentences | exact match | BLEU |\n|---|---:|---:|---:|\n";
    for (const b of buckets) text += `| ${b.from}–${b.to} | ${b.sentences} | ${(100 * b.exactMatch).toFixed(1)}% | ${b.bleu.toFixed(2)} |\n`;
  }
  process.stdout.write(text);
}

/**
 * Mean support size and entropy of every attention (kind, layer, head) over the reference
 * targets of the first `limit` pairs, teacher-forced: how sparse the normaliser made it.
 */
function attentionStats(model: TranslationModel, split: EncodedSplit, limit: number): AttentionStats[] {
  const stats = new AttentionStatsAccumulator();
  for (const maps of attentionByExample(model, split.examples.slice(0, limit))) stats.add(maps);
  return stats.result();
}

/** Exact match and BLEU per bucket of source length (tokens, </s> not counted). */
export function lengthBuckets(sample: DecodedSample, width: number): Bucket[] {
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

/**
 * Teacher-force each reference target and measure how much attention falls on the gold-aligned
 * source words (micro-averaged over target words that have a gold link; the </s> row and column
 * are not part of the gold alignment and do not count).
 */
function attentionMassOnGold(model: TranslationModel, split: EncodedSplit, gold: readonly GoldLinks[], limit: number): number {
  const items: { attention: number[][]; gold: GoldAlignment }[] = [];
  const examples = split.examples.slice(0, limit);
  for (let start = 0; start < examples.length; start += 32) {
    const chunk = examples.slice(start, start + 32);
    const batch = collate(chunk, chunk.map((_, i) => i));
    const results = forcedDecode(model, batch);
    results.forEach((res, i) => {
      if (res.attention.length === 0) throw new UserError("--alignments: this model has no attention (decoder none)");
      items.push({ attention: res.attention, gold: gold[chunk[i]!.index]!.sure });
    });
  }
  return corpusAttentionMassOnGold(items);
}
