import type { Config } from "../../config/schema.js";
import type { TextPipeline } from "../../data/textPipeline.js";
import { EOS } from "../../data/vocab.js";
import { decodeCorpus } from "../../decode/translate.js";
import type { TranslationModel } from "../../models/types.js";
import { Rng } from "../../tensor/rng.js";
import { checkSentenceLengths } from "../lengthCheck.js";
import type { SentencePair } from "../pairAttention.js";
import { attentionSites } from "./attentionSites.js";
import { explainSentence, type ExplainSetup } from "./explainSentence.js";
import type { SentenceExplanation } from "./explanation.js";
import { type AttentionChoice, resolveChoice } from "./selection.js";
import { summarize } from "./summary.js";

export interface ExplainPairsOptions {
  /** Random permutations per step (≥ 1). */
  permutations: number;
  /** Seed of every random choice (the permutations); sentence i draws from its own stream, so its numbers do not depend on the other lines. */
  seed: number;
  choice: AttentionChoice;
  /** Names pair i in errors (file:line). */
  where: (side: "source" | "target") => (i: number) => string;
  /** Called after each sentence (progress). */
  onSentence?: (done: number, total: number) => void;
}

/**
 * explain on each pair: a given target is teacher-forced, otherwise the model's own greedy output
 * (decoding.maxLen) is decoded first and then explained the same way. Sentences a model cannot
 * read (learned positions) are an error naming their line.
 */
export function explainPairs(model: TranslationModel, pipeline: TextPipeline, config: Config, pairs: readonly SentencePair[], o: ExplainPairsOptions): { setup: ExplainSetup; sentences: SentenceExplanation[] } {
  const sites = attentionSites(model);
  const setup: ExplainSetup = { sites, choice: resolveChoice(sites, o.choice), permutations: o.permutations };
  const sources = pairs.map((p) => pipeline.encodeSource(p.src));
  checkSentenceLengths(config, "source", sources.map((ids) => ids.length - 1), o.where("source"));
  // The tokens each step emits: a given target's words and </s>, or the greedy output.
  const outputs = pairs.map((p) => (p.tgt === null ? new Int32Array(0) : pipeline.encodeTarget(p.tgt).subarray(1)));
  checkSentenceLengths(config, "target", outputs.map((ids, i) => (pairs[i]!.tgt === null ? 0 : ids.length - 1)), o.where("target"));
  const free = pairs.map((p, i) => (p.tgt === null ? i : -1)).filter((i) => i >= 0);
  if (free.length > 0) {
    const lists = decodeCorpus(model, free.map((i) => sources[i]!), { beam: 1, maxLen: config.decoding.maxLen, nBest: 1, attention: false });
    free.forEach((i, k) => {
      const h = lists[k]![0]!;
      outputs[i] = Int32Array.from(h.finished ? [...h.tokens, EOS] : h.tokens);
    });
  }
  const rng = new Rng(o.seed);
  const sentences = pairs.map((p, i) => {
    const src = sources[i]!;
    const steps = explainSentence(model, setup, src, outputs[i]!, rng.fork(`sentence ${i}`));
    o.onSentence?.(i + 1, pairs.length);
    return {
      index: i,
      source: p.src,
      target: p.tgt,
      sourceTokens: Array.from(src, (id) => pipeline.srcVocab.token(id)),
      outputTokens: Array.from(outputs[i]!, (id) => pipeline.tgtVocab.token(id)),
      steps,
      summary: summarize(steps),
    };
  });
  return { setup, sentences };
}
