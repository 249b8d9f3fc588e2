import { logSoftmaxBackwardRows, logSoftmaxRows, softmaxBackwardRows, softmaxRows } from "../js/softmax.js";
import type { Kernels } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Row softmax, log-softmax and their backwards on the WebAssembly module (c/softmax.c). Float64
 * storage (gradient checks) stays on the JS reference.
 */
export function bindSoftmax(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  return released(rt, {
    softmaxRows(x, out, rows, cols, mask) {
      if (!f32(x) || !f32(out)) return softmaxRows(x, out, rows, cols, mask);
      const n = rows * cols;
      if (n === 0) return;
      f.softmax_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.in(mask, 0, n) : 0);
    },
    logSoftmaxRows(x, out, rows, cols, mask) {
      if (!f32(x) || !f32(out)) return logSoftmaxRows(x, out, rows, cols, mask);
      const n = rows * cols;
      if (n === 0) return;
      f.log_softmax_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.in(mask, 0, n) : 0);
    },
    softmaxBackwardRows(y, dy, dx, rows, cols) {
      if (!f32(y) || !f32(dy) || !f32(dx)) return softmaxBackwardRows(y, dy, dx, rows, cols);
      const n = rows * cols;
      if (n === 0) return;
      f.softmax_backward_rows!(rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dx, 0, n), rows, cols);
    },
    logSoftmaxBackwardRows(y, dy, dx, rows, cols) {
      if (!f32(y) || !f32(dy) || !f32(dx)) return logSoftmaxBackwardRows(y, dy, dx, rows, cols);
      const n = rows * cols;
      if (n === 0) return;
      f.log_softmax_backward_rows!(rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dx, 0, n), rows, cols);
    },
  });
}
