import { BOS } from "../../data/vocab.js";
import { sourceBatch } from "../../decode/sourceBatch.js";
import type { TargetBatch } from "../../models/types.js";

/**
 * One sentence as a teacher-forcing batch over its first `steps` target steps: source ids (</s>
 * last), and tgtIn = <s> y_0 … y_{steps−2}, so step t predicts y_t (`outputs` are the tokens the
 * decoder emits, </s> included when it finished).
 */
export function forcedBatch(src: Int32Array, outputs: Int32Array, steps = outputs.length): TargetBatch {
  if (steps < 1 || steps > outputs.length) throw new Error(`forcedBatch: ${steps} steps of an output of ${outputs.length} tokens`);
  const tgtIn = new Int32Array(steps);
  tgtIn[0] = BOS;
  tgtIn.set(outputs.subarray(0, steps - 1), 1);
  return { ...sourceBatch([src]), tgtLen: steps, tgtIn };
}
