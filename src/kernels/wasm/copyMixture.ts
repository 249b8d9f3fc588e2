import { copyMixtureBackward as jsBackward, copyMixtureForward as jsForward } from "../js/copyMixture.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** The pointer-generator mixture forward and backward on the C kernels of c/copymix.c; Float64 storage goes to the JS reference. */
export function bindCopyMixture(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const copyMixtureForward: Kernels["copyMixtureForward"] = (logits, gate, weights, ids, rowSentence, out, rows, vocab, srcLen, extended) => {
    if (!f32(logits) || !f32(gate) || !f32(weights) || !f32(out)) {
      jsForward(logits, gate, weights, ids, rowSentence, out, rows, vocab, srcLen, extended);
      return;
    }
    if (rows <= 0 || extended <= 0) return;
    f.copy_mixture_forward!(
      rt.in(logits, 0, rows * vocab), rt.in(gate, 0, rows), rt.in(weights, 0, rows * srcLen), rt.in(ids, 0, ids.length),
      rt.in(rowSentence, 0, rows), rt.out(out, 0, rows * extended, false), rows, vocab, srcLen, extended, rt.work(8 * 4 * extended),
    );
  };

  const copyMixtureBackward: Kernels["copyMixtureBackward"] = (logits, gate, weights, ids, rowSentence, dOut, dLogits, dGate, dWeights, rows, vocab, srcLen, extended) => {
    if (!f32(logits) || !f32(gate) || !f32(weights) || !f32(dOut) || !f32OrNull(dLogits) || !f32OrNull(dGate) || !f32OrNull(dWeights)) {
      jsBackward(logits, gate, weights, ids, rowSentence, dOut, dLogits, dGate, dWeights, rows, vocab, srcLen, extended);
      return;
    }
    if (rows <= 0 || extended <= 0 || (!dLogits && !dGate && !dWeights)) return;
    f.copy_mixture_backward!(
      rt.in(logits, 0, rows * vocab), rt.in(gate, 0, rows), rt.in(weights, 0, rows * srcLen), rt.in(ids, 0, ids.length),
      rt.in(rowSentence, 0, rows), rt.in(dOut, 0, rows * extended),
      dLogits ? rt.out(dLogits, 0, rows * vocab) : 0, dGate ? rt.out(dGate, 0, rows) : 0, dWeights ? rt.out(dWeights, 0, rows * srcLen) : 0,
      rows, vocab, srcLen, extended, rt.work(8 * 4 * extended),
    );
  };

  return released(rt, { copyMixtureForward, copyMixtureBackward });
}
