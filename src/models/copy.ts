import type { AttentionMemory } from "../attention/attention.js";
import { copyLogProbs, gatherRows, mulScalar, reshape, rowsOfSentences, sum } from "../ops/index.js";
import type { CrossEntropyOptions } from "../ops/crossEntropy.js";
import type { Tensor } from "../tensor/tensor.js";
import type { EncodedBatch } from "./types.js";

/**
 * Copy attention, the pointer-generator of See, Liu & Manning 2017 ("Get To The Point", §2.2):
 *
 *   p_gen = σ(w_cᵀ c_t + w_sᵀ s_t + w_xᵀ x_t + b)                           (eq. 8)
 *   P(w)  = p_gen · P_vocab(w) + (1 − p_gen) · Σ_{j: src_j = w} a_t(j)       (eq. 9)
 *
 * with c_t the context, s_t the decoder's top state after the step, x_t the embedded input token
 * (one Linear over [c_t; s_t; x_t]: `decoder.copy_gate.weight` [1, C + H + E] and `.bias` [1]).
 * Source words outside the target vocabulary get extended ids V, V + 1, … per sentence
 * (data/copyVocab.ts), so they can be produced by copying; feeding one back as the next input
 * reads <unk>'s embedding. The loss is −log P(w) of the mixture (ops/copyMixture.ts, in log space).
 */

/** <unk>'s id (data/vocab.ts UNK; models sit above the data layer in the import order). */
export const UNK_ID = 3;

/** The memory's copy fields for a batch: the source ids and the extended size V + oov. */
export function copyMemory(enc: EncodedBatch, vocabSize: number): NonNullable<AttentionMemory["copy"]> {
  if (!enc.copy) throw new Error("copy attention needs the source words: the batch has no `copy` (data/copyVocab.ts builds it)");
  if (enc.copy.ids.length !== enc.padMask.length) throw new Error(`copy attention: ${enc.copy.ids.length} source ids for ${enc.padMask.length} source positions`);
  return { ids: enc.copy.ids, size: vocabSize + enc.copy.oov };
}

/** Ids for the embedding: extended ids (≥ vocabSize, copied words) read <unk>'s row. Returns `ids` itself when none is extended. */
export function embeddingIds(ids: Int32Array, vocabSize: number): Int32Array {
  let out: Int32Array | null = null;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! >= vocabSize) {
      out ??= Int32Array.from(ids);
      out[i] = UNK_ID;
    }
  }
  return out ?? ids;
}

/** log P over the extended vocabulary [N, V + oov] of one decoding step (N = G·B rows, row r of sentence ⌊r / G⌋). */
export function copyStepLogProbs(logits: Tensor, gate: Tensor, weights: Tensor, memory: AttentionMemory): Tensor {
  const copy = memory.copy;
  if (!copy) throw new Error("copy attention: the decoder state's memory has no copy ids");
  const N = logits.shape[0]!;
  const B = memory.lengths.length;
  return copyLogProbs(logits, gate, weights, copy.ids, rowsOfSentences(N, B === 0 ? 1 : N / B), copy.size);
}

/**
 * The teacher-forced loss −log P(target) of the mixture over the rows whose target is not
 * ignored, reduced like crossEntropy (mean per counted token, or sum). `project` maps features of
 * the counted rows [M, F] to vocabulary logits [M, V]; features [B, T, F], gates [B·T], weights
 * [B·T, S], targets [B·T] in extended ids. Label smoothing is not defined for the mixture.
 */
export function copyTeacherForcedLoss(
  features: Tensor, project: (x: Tensor) => Tensor, gates: Tensor, weights: Tensor, memory: AttentionMemory, targets: Int32Array, opts: CrossEntropyOptions,
): Tensor {
  const copy = memory.copy;
  if (!copy) throw new Error("copy attention: the decoder state's memory has no copy ids");
  if ((opts.labelSmoothing ?? 0) > 0) throw new Error("copy attention: label smoothing is not defined for the copy mixture (its support changes per sentence)");
  const [B, T, F] = features.shape as [number, number, number];
  if (targets.length !== B * T) throw new Error(`copy attention: ${targets.length} targets for ${B}×${T} steps`);
  const ignore = opts.ignoreIndex ?? -100;
  const live: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (t === ignore) continue;
    if (t < 0 || t >= copy.size) throw new Error(`copy attention: target ${t} at row ${i} is outside the extended vocabulary of ${copy.size}`);
    live.push(i);
  }
  const M = live.length;
  const rows = Int32Array.from(live);
  const S = weights.shape[1]!;
  const x = gatherRows(reshape(features, [B * T, F]), rows, [M]);
  const g = gatherRows(reshape(gates, [B * T, 1]), rows, [M]);
  const w = gatherRows(weights, rows, [M]);
  const sentence = Int32Array.from(live, (i) => Math.floor(i / T));
  const lp = copyLogProbs(project(x), g, reshape(w, [M, S]), copy.ids, sentence, copy.size);
  const picked = Int32Array.from(live, (i, k) => k * copy.size + targets[i]!);
  const nll = sum(gatherRows(reshape(lp, [M * copy.size, 1]), picked, [M]));
  const scale = (opts.reduction ?? "mean") === "mean" ? (M > 0 ? 1 / M : 0) : 1;
  return mulScalar(nll, -scale);
}
