import { crossEntropyBackwardRows, crossEntropyRows } from "../js/crossEntropy.js";
import type { Kernels } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Cross-entropy rows and their backward on the WebAssembly module (c/crossentropy.c). Float64
 * storage (gradient checks) stays on the JS reference.
 */
export function bindCrossEntropy(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  return released(rt, {
    crossEntropyRows(x, targets, lse, loss, rows, cols, ignoreIndex, smoothing) {
      if (!f32(x) || !f32(lse) || !f32(loss)) return crossEntropyRows(x, targets, lse, loss, rows, cols, ignoreIndex, smoothing);
      if (rows === 0) return;
      f.cross_entropy_rows!(
        rt.in(x, 0, rows * cols), rt.in(targets, 0, rows), rt.out(lse, 0, rows, false), rt.out(loss, 0, rows, false),
        rows, cols, ignoreIndex, smoothing,
      );
    },
    crossEntropyBackwardRows(x, targets, lse, dx, rows, cols, ignoreIndex, smoothing, scale, accumulate) {
      if (!f32(x) || !f32(lse) || !f32(dx)) {
        return crossEntropyBackwardRows(x, targets, lse, dx, rows, cols, ignoreIndex, smoothing, scale, accumulate);
      }
      const n = rows * cols;
      if (n === 0) return;
      // In place (dx === x) outside kernel memory: x is copied in first, dx gets its own scratch.
      f.cross_entropy_backward_rows!(
        rt.in(x, 0, n), rt.in(targets, 0, rows), rt.in(lse, 0, rows), rt.out(dx, 0, n, accumulate),
        rows, cols, ignoreIndex, smoothing, scale, accumulate ? 1 : 0,
      );
    },
  });
}
