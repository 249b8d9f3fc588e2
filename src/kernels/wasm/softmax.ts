import { logSoftmaxBackwardRows, logSoftmaxRows, softmaxBackwardRows, softmaxRows } from "../js/softmax.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Row softmax, log-softmax and their backwards on the WebAssembly module (c/softmax.c). Float64
 * storage (gradient checks) stays on the JS reference.
 */
export function bindSoftmax(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  return {
    softmaxRows(x, out, rows, cols, mask) {
      if (!(x instanceof Float32Array) || !(out instanceof Float32Array)) return softmaxRows(x, out, rows, cols, mask);
      const n = rows * cols;
      if (n === 0) return;
      try {
        f.softmax_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.inBytes(mask, n) : 0);
      } finally {
        rt.release();
      }
    },
    logSoftmaxRows(x, out, rows, cols, mask) {
      if (!(x instanceof Float32Array) || !(out instanceof Float32Array)) return logSoftmaxRows(x, out, rows, cols, mask);
      const n = rows * cols;
      if (n === 0) return;
      try {
        f.log_softmax_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.inBytes(mask, n) : 0);
      } finally {
        rt.release();
      }
    },
    softmaxBackwardRows(y, dy, dx, rows, cols) {
      if (!(y instanceof Float32Array) || !(dy instanceof Float32Array) || !(dx instanceof Float32Array)) return softmaxBackwardRows(y, dy, dx, rows, cols);
      const n = rows * cols;
      if (n === 0) return;
      try {
        f.softmax_backward_rows!(rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dx, 0, n), rows, cols);
      } finally {
        rt.release();
      }
    },
    logSoftmaxBackwardRows(y, dy, dx, rows, cols) {
      if (!(y instanceof Float32Array) || !(dy instanceof Float32Array) || !(dx instanceof Float32Array)) return logSoftmaxBackwardRows(y, dy, dx, rows, cols);
      const n = rows * cols;
      if (n === 0) return;
      try {
        f.log_softmax_backward_rows!(rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dx, 0, n), rows, cols);
      } finally {
        rt.release();
      }
    },
  };
}
