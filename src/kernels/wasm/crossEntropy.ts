import { crossEntropyBackwardRows, crossEntropyRows } from "../js/crossEntropy.js";
import type { Kernels } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";
import { runSplit } from "./rangeSplit.js";

/** Rows per thread below which a call stays on one thread: about 2¹⁶ logits (the hand-off costs ~15 µs). */
const minRows = (cols: number) => Math.max(1, Math.ceil(65536 / Math.max(1, cols)));

/**
 * Cross-entropy rows and their backward on the WebAssembly module (c/crossentropy.c). Float64
 * storage (gradient checks) stays on the JS reference.
 */
export function bindCrossEntropy(rt: WasmRuntime): Partial<Kernels> {
  return released(rt, {
    crossEntropyRows(x, targets, lse, loss, rows, cols, ignoreIndex, smoothing) {
      if (!f32(x) || !f32(lse) || !f32(loss)) return crossEntropyRows(x, targets, lse, loss, rows, cols, ignoreIndex, smoothing);
      if (rows === 0) return;
      const px = rt.in(x, 0, rows * cols), pt = rt.in(targets, 0, rows), pl = rt.out(lse, 0, rows, false), po = rt.out(loss, 0, rows, false);
      runSplit(rt, "cross_entropy_rows", rows, minRows(cols), 1, (s, c) => [px + 4 * s * cols, pt + 4 * s, pl + 4 * s, po + 4 * s, c, cols, ignoreIndex, smoothing]);
    },
    crossEntropyBackwardRows(x, targets, lse, dx, rows, cols, ignoreIndex, smoothing, scale, accumulate) {
      if (!f32(x) || !f32(lse) || !f32(dx)) {
        return crossEntropyBackwardRows(x, targets, lse, dx, rows, cols, ignoreIndex, smoothing, scale, accumulate);
      }
      const n = rows * cols;
      if (n === 0) return;
      // In place (dx === x) outside kernel memory: x is copied in first, dx gets its own scratch.
      const px = rt.in(x, 0, n), pt = rt.in(targets, 0, rows), pl = rt.in(lse, 0, rows), pd = rt.out(dx, 0, n, accumulate);
      runSplit(rt, "cross_entropy_backward_rows", rows, minRows(cols), 1, (s, c) => [
        px + 4 * s * cols, pt + 4 * s, pl + 4 * s, pd + 4 * s * cols, c, cols, ignoreIndex, smoothing, scale, accumulate ? 1 : 0,
      ]);
    },
  });
}
