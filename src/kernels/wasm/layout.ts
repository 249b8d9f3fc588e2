import { copyFloats as jsCopy, transposeBatched as jsTranspose } from "../js/layout.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/** Copies for the shape ops on c/layout.c; Float64 storage goes to the JS reference. */
export function bindLayout(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  const copyFloats: Kernels["copyFloats"] = (src, srcOff, dst, dstOff, n) => {
    if (!(src instanceof Float32Array && dst instanceof Float32Array)) return jsCopy(src, srcOff, dst, dstOff, n);
    if (n <= 0) return;
    try {
      f.copy_floats!(rt.in(src, srcOff, n), rt.out(dst, dstOff, n, false), n);
    } finally {
      rt.release();
    }
  };
  const transposeBatched: Kernels["transposeBatched"] = (x, xOff, out, outOff, batch, rows, cols, accumulate) => {
    if (!(x instanceof Float32Array && out instanceof Float32Array)) return jsTranspose(x, xOff, out, outOff, batch, rows, cols, accumulate);
    const n = batch * rows * cols;
    if (n <= 0) return;
    try {
      f.transpose_batched!(rt.in(x, xOff, n), rt.out(out, outOff, n, accumulate), batch, rows, cols, accumulate ? 1 : 0);
    } finally {
      rt.release();
    }
  };
  return { copyFloats, transposeBatched };
}
