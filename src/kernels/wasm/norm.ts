import { layerNormBackward as jsBackward, layerNormForward as jsForward } from "../js/norm.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** Layer norm forward and backward on the C kernels of c/norm.c; Float64 storage goes to the JS reference. */
export function bindNorm(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const layerNormForward: Kernels["layerNormForward"] = (x, weight, bias, out, mean, rstd, rows, cols, eps) => {
    if (!f32(x) || !f32(weight) || !f32(bias) || !f32(out) || !f32(mean) || !f32(rstd)) {
      jsForward(x, weight, bias, out, mean, rstd, rows, cols, eps);
      return;
    }
    if (rows <= 0) return;
    const n = rows * cols;
    f.layer_norm_forward!(
      rt.in(x, 0, n), rt.in(weight, 0, cols), rt.in(bias, 0, cols), rt.out(out, 0, n, false),
      rt.out(mean, 0, rows, false), rt.out(rstd, 0, rows, false), rows, cols, eps,
    );
  };

  const layerNormBackward: Kernels["layerNormBackward"] = (dy, x, mean, rstd, weight, dx, dweight, dbias, rows, cols) => {
    if (!f32(dy) || !f32(x) || !f32(mean) || !f32(rstd) || !f32(weight) || !f32OrNull(dx) || !f32OrNull(dweight) || !f32OrNull(dbias)) {
      jsBackward(dy, x, mean, rstd, weight, dx, dweight, dbias, rows, cols);
      return;
    }
    if (rows <= 0 || cols <= 0) return;
    const n = rows * cols;
    f.layer_norm_backward!(
      rt.in(dy, 0, n), rt.in(x, 0, n), rt.in(mean, 0, rows), rt.in(rstd, 0, rows), rt.in(weight, 0, cols),
      dx ? rt.out(dx, 0, n) : 0, dweight ? rt.out(dweight, 0, cols) : 0, dbias ? rt.out(dbias, 0, cols) : 0,
      rows, cols,
    );
  };

  return released(rt, { layerNormForward, layerNormBackward });
}
