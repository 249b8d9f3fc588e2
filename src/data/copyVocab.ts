/**
 * The extended vocabulary of copy attention (pointer-generator, See et al. 2017 §2.2): per
 * sentence, each distinct source word outside the target vocabulary gets a temporary id V, V + 1,
 * … (V = target vocabulary size), so the model can produce it by copying. Training targets that
 * are outside the vocabulary but in the source take that id, so the loss rewards copying them;
 * decoding maps the id back to the source word's string. Source and target tokens are matched by
 * their strings, so copying means most with the same tokenizer type on both sides.
 */
import type { EncodedSplit } from "./dataset.js";
import type { TextPipeline } from "./textPipeline.js";
import { BOS, EOS, UNK, type Vocab } from "./vocab.js";

/** What copy attention needs of one source sentence besides its ids (models/types.ts SourceCopy is a batch of these). */
export interface CopySource {
  /**
   * Per source position, </s> included: the target-vocabulary id of the token, or V + k for the
   * k-th distinct source word outside the target vocabulary. The source's </s> is EOS.
   */
  ids: Int32Array;
  /** The source words outside the target vocabulary in order of first occurrence: id V + k is oov[k]. */
  oov: string[];
}

/** The copy ids of source tokens (without </s>; it is appended). */
export function copySource(srcTokens: readonly string[], tgtVocab: Vocab): CopySource {
  const V = tgtVocab.size;
  const oov: string[] = [];
  const index = new Map<string, number>();
  const ids = new Int32Array(srcTokens.length + 1);
  srcTokens.forEach((t, j) => {
    if (tgtVocab.has(t)) {
      ids[j] = tgtVocab.id(t);
      return;
    }
    let k = index.get(t);
    if (k === undefined) {
      k = oov.length;
      index.set(t, k);
      oov.push(t);
    }
    ids[j] = V + k;
  });
  ids[srcTokens.length] = EOS;
  return { ids, oov };
}

/**
 * Target ids <s> w1 … wn </s> in the sentence's extended vocabulary: vocabulary words as usual,
 * words outside it that the source has get their extended id, other unknown words <unk>.
 */
export function copyTargetIds(tgtTokens: readonly string[], tgtVocab: Vocab, source: CopySource): Int32Array {
  const V = tgtVocab.size;
  const ids = new Int32Array(tgtTokens.length + 2);
  ids[0] = BOS;
  tgtTokens.forEach((t, i) => {
    if (tgtVocab.has(t)) ids[i + 1] = tgtVocab.id(t);
    else {
      const k = source.oov.indexOf(t);
      ids[i + 1] = k >= 0 ? V + k : UNK;
    }
  });
  ids[tgtTokens.length + 1] = EOS;
  return ids;
}

/** The copy ids of a raw source sentence (normalised and tokenised as the pipeline does). */
export function copySourceOf(pipeline: TextPipeline, text: string): CopySource {
  return copySource(pipeline.sourceTokens(text), pipeline.tgtVocab);
}

/**
 * A split's examples with their copy ids: `copy` added, and `tgt` in the extended vocabulary
 * (Example.tgt then may hold ids ≥ V, which the decoder reads as <unk> when fed back).
 */
export function withCopyIds(split: EncodedSplit, pipeline: TextPipeline): EncodedSplit {
  const examples = split.examples.map((e) => {
    const pair = split.pairs[e.index]!;
    const copy = copySource(pipeline.srcTokenizer.encode(pair.src), pipeline.tgtVocab);
    if (copy.ids.length !== e.src.length) throw new Error(`copy ids: ${copy.ids.length} source positions for ${e.src.length} ids`);
    return { ...e, tgt: copyTargetIds(pipeline.tgtTokenizer.encode(pair.tgt), pipeline.tgtVocab, copy), copy };
  });
  return { ...split, examples };
}
