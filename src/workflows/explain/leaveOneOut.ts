import { inference } from "../../decode/inference.js";
import type { TranslationModel } from "../../models/types.js";
import { logSoftmax } from "../../ops/index.js";
import { inScopedArena } from "../../tensor/storage.js";
import { forcedBatch } from "./forcedBatch.js";
import { probabilitiesOf, totalVariation } from "./tvd.js";

/**
 * Leave-one-out importance of each source token for each target step (Jain & Wallace 2019 §4.1):
 * importance_j = TVD between the output distribution of step t for the whole source and for the
 * source re-encoded without token j (the attention then has one column fewer), both
 * teacher-forced on the same `outputs`. Any position may be left out, </s> included, so the
 * vector lines up with the attention's columns. One vector [S] per step; NaN for a source of one
 * token (nothing would be left).
 */
export function leaveOneOut(model: TranslationModel, src: Int32Array, outputs: Int32Array): Float64Array[] {
  const S = src.length;
  const out = Array.from({ length: outputs.length }, () => new Float64Array(S).fill(NaN));
  if (S < 2) return out;
  inference(model, () => {
    const whole = forcedDistributions(model, src, outputs);
    for (let j = 0; j < S; j++) {
      const without = forcedDistributions(model, Int32Array.from([...src.subarray(0, j), ...src.subarray(j + 1)]), outputs);
      whole.forEach((p, t) => (out[t]![j] = totalVariation(p, without[t]!)));
    }
  });
  return out;
}

/** The output distribution of every step of one teacher-forced pass (float64 probabilities). */
function forcedDistributions(model: TranslationModel, src: Int32Array, outputs: Int32Array): Float64Array[] {
  return inScopedArena(() => {
    const lp = logSoftmax(model.forward(forcedBatch(src, outputs)).logits);
    const V = lp.shape[1]!;
    return Array.from({ length: outputs.length }, (_, t) => probabilitiesOf(lp.data, t, V));
  });
}
