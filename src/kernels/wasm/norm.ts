import { layerNormBackward as jsBackward, layerNormForward as jsForward } from "../js/norm.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/** Layer norm forward and backward on the C kernels of c/norm.c; Float64 storage goes to the JS reference. */
export function bindNorm(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const layerNormForward: Kernels["layerNormForward"] = (x, weight, bias, out, mean, rstd, rows, cols, eps) => {
    if (!(x instanceof Float32Array && weight instanceof Float32Array && bias instanceof Float32Array &&
      out instanceof Float32Array && mean instanceof Float32Array && rstd instanceof Float32Array)) {
      jsForward(x, weight, bias, out, mean, rstd, rows, cols, eps);
      return;
    }
    if (rows <= 0) return;
    const n = rows * cols;
    try {
      f.layer_norm_forward!(
        rt.in(x, 0, n), rt.in(weight, 0, cols), rt.in(bias, 0, cols), rt.out(out, 0, n, false),
        rt.out(mean, 0, rows, false), rt.out(rstd, 0, rows, false), rows, cols, eps,
      );
    } finally {
      rt.release();
    }
  };

  const layerNormBackward: Kernels["layerNormBackward"] = (dy, x, mean, rstd, weight, dx, dweight, dbias, rows, cols) => {
    if (!(dy instanceof Float32Array && x instanceof Float32Array && mean instanceof Float32Array &&
      rstd instanceof Float32Array && weight instanceof Float32Array) ||
      !(dx === null || dx instanceof Float32Array) || !(dweight === null || dweight instanceof Float32Array) ||
      !(dbias === null || dbias instanceof Float32Array)) {
      jsBackward(dy, x, mean, rstd, weight, dx, dweight, dbias, rows, cols);
      return;
    }
    if (rows <= 0 || cols <= 0) return;
    const n = rows * cols;
    try {
      f.layer_norm_backward!(
        rt.in(dy, 0, n), rt.in(x, 0, n), rt.in(mean, 0, rows), rt.in(rstd, 0, rows), rt.in(weight, 0, cols),
        dx ? rt.out(dx, 0, n) : 0, dweight ? rt.out(dweight, 0, cols) : 0, dbias ? rt.out(dbias, 0, cols) : 0,
        rows, cols,
      );
    } finally {
      rt.release();
    }
  };

  return { layerNormForward, layerNormBackward };
}
