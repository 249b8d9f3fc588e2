import { EOS, PAD } from "../data/vocab.js";
import type { TargetBatch, TeacherForcedOutput, TeacherForcingOptions } from "../models/types.js";
import { logSoftmax } from "../ops/index.js";
import { inference } from "./inference.js";
import type { DecodableModel } from "./types.js";

/** What the model does on a given target (teacher forcing). */
export interface ForcedResult {
  /**
   * Attention per target step, weights over the real source positions: row t is the step that
   * predicts tgtOut[t] (the last row predicts </s>), as in Hypothesis.attention. Empty without
   * attention.
   */
  attention: number[][];
  /** log P(target | source), </s> included: the score the model gives this target. */
  logProb: number;
}

/** Model with a teacher-forced forward pass (Seq2Seq.forward). */
export interface ForcedModel extends DecodableModel {
  forward(batch: TargetBatch, opts?: TeacherForcingOptions): TeacherForcedOutput;
}

/**
 * Feed each sentence's target and record attention and log-probability — for
 * `dump-attention --target`, and for scoring a reference under the model. Each row of tgtIn is
 * <s> w1 … wn followed by padding, so the predicted tokens are w1 … wn </s>.
 */
export function forcedDecode(model: ForcedModel, batch: TargetBatch): ForcedResult[] {
  return inference(model, () => {
    const { batchSize: B, tgtLen: T, srcLen: S } = batch;
    const out = model.forward(batch, { attention: true });
    // Copy attention: the mixture over the extended vocabulary (tgtIn then holds extended ids).
    const logProbs = out.logProbs ?? logSoftmax(out.logits);
    const V = logProbs.shape[1]!;
    const lp = logProbs.data;
    const results: ForcedResult[] = [];
    for (let b = 0; b < B; b++) {
      let n = 0;
      while (n < T && batch.tgtIn[b * T + n] !== PAD) n++;
      const len = batch.srcLengths[b]!;
      let logProb = 0;
      const attention: number[][] = [];
      for (let t = 0; t < n; t++) {
        const gold = t + 1 < n ? batch.tgtIn[b * T + t + 1]! : EOS;
        logProb += lp[(b * T + t) * V + gold]!;
        const w = out.attention?.[t];
        if (w) attention.push(Array.from({ length: len }, (_, s) => w.data[b * S + s]!));
      }
      results.push({ attention, logProb });
    }
    return results;
  });
}

/** Per-sentence attention matrices [target steps × source length] for a given target. */
export function forcedAttention(model: ForcedModel, batch: TargetBatch): number[][][] {
  return forcedDecode(model, batch).map((r) => r.attention);
}
