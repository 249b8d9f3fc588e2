import type { Config } from "../config/schema.js";
import { collate, type Example } from "../data/batching.js";
import { copySourceOf, copyTargetIds } from "../data/copyVocab.js";
import type { TextPipeline } from "../data/textPipeline.js";
import { BOS, EOS } from "../data/vocab.js";
import { inference } from "../decode/inference.js";
import { decodeCorpus } from "../decode/translate.js";
import type { AttentionMap, TranslationModel } from "../models/types.js";
import { inScopedArena } from "../tensor/storage.js";
import type { AttentionMatrix } from "../viz/attentionCsv.js";
import { checkSentenceLengths } from "./lengthCheck.js";

/** A line of input: `source<TAB>target` forces that target, a plain line is translated. */
export interface SentencePair {
  src: string;
  tgt: string | null;
}

export function parsePairLine(line: string): SentencePair {
  const tab = line.indexOf("\t");
  return tab < 0 ? { src: line, tgt: null } : { src: line.slice(0, tab), tgt: line.slice(tab + 1) };
}

/** Every attention map of one sentence pair, with the tokens that label its rows and columns. */
export interface PairAttention {
  sentence: number;
  /** Source tokens as the encoder reads them, </s> last: the columns of cross-attention. */
  sourceTokens: string[];
  /** The token each decoder step emits (w1 … wn, then </s> unless the output was cut at decoding.maxLen): the rows of cross-attention. */
  targetTokens: string[];
  /** The decoder's input tokens (<s> w1 … wn): rows and columns of decoder self-attention. */
  decoderInputs: string[];
  /** Real tokens on each side, </s> not counted: what alignment indices count. */
  sourceLength: number;
  targetLength: number;
  maps: AttentionMap[];
}

/**
 * The attention of each pair: given targets as they are, the others decoded (greedy or beam).
 * Attention is then read from one teacher-forced pass over (source, target), which reproduces
 * the decoder's attention exactly and also yields every self-attention map of a Transformer.
 * `where(side)(i)` names pair i in errors (file:line or the flag).
 */
export function pairAttention(model: TranslationModel, pipeline: TextPipeline, config: Config, pairs: readonly SentencePair[], o: { beam: number; where: (side: "source" | "target") => (i: number) => string }): PairAttention[] {
  const sources = pairs.map((p) => pipeline.encodeSource(p.src));
  checkSentenceLengths(config, "source", sources.map((ids) => ids.length - 1), o.where("source"));
  // Copy attention: the sources' copy ids, and given targets in each sentence's extended vocabulary.
  const copy = config.model.decoder.copy ? pairs.map((p) => copySourceOf(pipeline, p.src)) : undefined;
  const targets: Int32Array[] = pairs.map((p, i) =>
    p.tgt === null ? new Int32Array(0) : copy ? copyTargetIds(pipeline.targetTokens(p.tgt), pipeline.tgtVocab, copy[i]!) : pipeline.encodeTarget(p.tgt),
  );
  checkSentenceLengths(config, "target", targets.map((ids) => Math.max(0, ids.length - 2)), o.where("target"));
  const free = pairs.map((p, i) => (p.tgt === null ? i : -1)).filter((i) => i >= 0);
  if (free.length > 0) {
    const lists = decodeCorpus(model, free.map((i) => sources[i]!), { beam: o.beam, maxLen: config.decoding.maxLen, nBest: 1, batchSize: 32, attention: false, ...(copy ? { copy: free.map((i) => copy[i]!) } : {}) });
    // A hypothesis cut at maxLen gets no </s>: its rows are exactly the steps the decoder took.
    free.forEach((i, k) => {
      const h = lists[k]![0]!;
      targets[i] = Int32Array.from(h.finished ? [BOS, ...h.tokens, EOS] : [BOS, ...h.tokens]);
    });
  }
  const examples = sources.map((src, i) => ({ src, tgt: targets[i]!, index: i, ...(copy ? { copy: copy[i]! } : {}) }));
  const maps = attentionOfExamples(model, examples);
  return examples.map((ex, i) => {
    const tgt = ex.tgt;
    const finished = tgt[tgt.length - 1] === EOS;
    const oov = copy?.[i]!.oov;
    return {
      sentence: i,
      sourceTokens: Array.from(ex.src, (id) => pipeline.srcVocab.token(id)),
      targetTokens: Array.from(tgt.subarray(1), (id) => pipeline.tgtVocab.token(id, oov)),
      decoderInputs: Array.from(tgt.subarray(0, tgt.length - 1), (id) => pipeline.tgtVocab.token(id, oov)),
      sourceLength: ex.src.length - 1,
      targetLength: tgt.length - (finished ? 2 : 1),
      maps: maps[i]!,
    };
  });
}

/** All attention maps of encoded examples (src: w… </s>, tgt: <s> w… </s>), in inference mode, a chunk at a time. */
export function attentionOfExamples(model: TranslationModel, examples: readonly Example[]): AttentionMap[][] {
  return [...attentionByExample(model, examples)];
}

/**
 * The same maps one example at a time, computed a chunk at a time and never all held at once:
 * what whole-split statistics (attn eval) iterate over. A chunk holds at most 32 sentences and
 * about 2²² source × source weights per map (16 at 512 tokens, 1 at 2,048), since a
 * Transformer's self-attention maps grow with the square of the length.
 */
export function* attentionByExample(model: TranslationModel, examples: readonly Example[]): Generator<AttentionMap[]> {
  let longest = 1;
  for (const ex of examples) longest = Math.max(longest, ex.src.length, ex.tgt.length);
  const chunkSize = Math.max(1, Math.min(32, Math.floor(2 ** 22 / (longest * longest))));
  for (let start = 0; start < examples.length; start += chunkSize) {
    const chunk = examples.slice(start, start + chunkSize);
    yield* inference(model, () => inScopedArena(() => model.attentionMaps(collate(chunk, chunk.map((_, k) => k)))));
  }
}

/**
 * The pair's maps as labelled matrices: cross-attention rows are the emitted target tokens and
 * columns the source tokens; encoder self-attention is source × source; decoder self-attention
 * is decoder input × decoder input.
 */
export function labelledMatrices(p: PairAttention): AttentionMatrix[] {
  return p.maps.map((m) => ({
    sentence: p.sentence,
    kind: m.kind,
    layer: m.layer,
    head: m.head,
    targetTokens: m.kind === "encoder-self" ? p.sourceTokens : m.kind === "decoder-self" ? p.decoderInputs : p.targetTokens,
    sourceTokens: m.kind === "decoder-self" ? p.decoderInputs : p.sourceTokens,
    weights: m.weights,
    ...(m.pGen ? { pGen: m.pGen } : {}),
  }));
}
