import { copyFloats as jsCopy, transposeBatched as jsTranspose } from "../js/layout.js";
import type { Kernels } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** Copies for the shape ops on c/layout.c; Float64 storage goes to the JS reference. */
export function bindLayout(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  const copyFloats: Kernels["copyFloats"] = (src, srcOff, dst, dstOff, n) => {
    if (!f32(src) || !f32(dst)) return jsCopy(src, srcOff, dst, dstOff, n);
    if (n <= 0) return;
    f.copy_floats!(rt.in(src, srcOff, n), rt.out(dst, dstOff, n, false), n);
  };
  const transposeBatched: Kernels["transposeBatched"] = (x, xOff, out, outOff, batch, rows, cols, accumulate) => {
    if (!f32(x) || !f32(out)) return jsTranspose(x, xOff, out, outOff, batch, rows, cols, accumulate);
    const n = batch * rows * cols;
    if (n <= 0) return;
    f.transpose_batched!(rt.in(x, xOff, n), rt.out(out, outOff, n, accumulate), batch, rows, cols, accumulate ? 1 : 0);
  };
  return released(rt, { copyFloats, transposeBatched });
}
