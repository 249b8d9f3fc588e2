import * as js from "../js/entmax.js";
import type { FloatArray } from "../../tensor/dtype.js";
import type { Kernels } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * The sparse normalisers, their backward passes and top-k on the C kernels of c/entmax.c
 * (float64 per row, as the reference); Float64 storage goes to the JS reference.
 */
export function bindEntmax(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  /** One row of float64 scratch. */
  const rowScratch = (cols: number) => rt.work(8 * Math.max(cols, 1));
  const checkAlpha = (alpha: FloatArray) => {
    for (let i = 0; i < alpha.length; i++) if (!(alpha[i]! > 1)) throw new Error(`entmaxBisectRows: α must be > 1, got ${alpha[i]}`);
  };

  const sparsemaxRows: Kernels["sparsemaxRows"] = (x, out, rows, cols, mask) => {
    if (!f32(x) || !f32(out)) return js.sparsemaxRows(x, out, rows, cols, mask);
    const n = rows * cols;
    if (n <= 0) return;
    f.sparsemax_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.in(mask, 0, n) : 0, rowScratch(cols));
  };

  const entmax15Rows: Kernels["entmax15Rows"] = (x, out, rows, cols, mask) => {
    if (!f32(x) || !f32(out)) return js.entmax15Rows(x, out, rows, cols, mask);
    const n = rows * cols;
    if (n <= 0) return;
    f.entmax15_rows!(rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.in(mask, 0, n) : 0, rowScratch(cols));
  };

  const entmaxBisectRows: Kernels["entmaxBisectRows"] = (x, out, rows, cols, mask, alpha, rowsPerAlpha) => {
    if (!f32(x) || !f32(out) || !f32(alpha)) return js.entmaxBisectRows(x, out, rows, cols, mask, alpha, rowsPerAlpha);
    const n = rows * cols;
    if (n <= 0) return;
    checkAlpha(alpha);
    f.entmax_bisect_rows!(
      rt.in(x, 0, n), rt.out(out, 0, n, false), rows, cols, mask ? rt.in(mask, 0, n) : 0,
      rt.in(alpha, 0, alpha.length), alpha.length, Math.max(rowsPerAlpha, 1), rowScratch(cols),
    );
  };

  const entmaxBackwardRows: Kernels["entmaxBackwardRows"] = (y, dy, dx, rows, cols, alpha, rowsPerAlpha) => {
    if (!f32(y) || !f32(dy) || !f32(dx) || !f32(alpha)) return js.entmaxBackwardRows(y, dy, dx, rows, cols, alpha, rowsPerAlpha);
    const n = rows * cols;
    if (n <= 0) return;
    f.entmax_backward_rows!(rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dx, 0, n), rows, cols, rt.in(alpha, 0, alpha.length), alpha.length, Math.max(rowsPerAlpha, 1));
  };

  const entmaxAlphaBackwardRows: Kernels["entmaxAlphaBackwardRows"] = (y, dy, dAlpha, rows, cols, alpha, rowsPerAlpha) => {
    if (!f32(y) || !f32(dy) || !f32(dAlpha) || !f32(alpha)) return js.entmaxAlphaBackwardRows(y, dy, dAlpha, rows, cols, alpha, rowsPerAlpha);
    const n = rows * cols;
    if (n <= 0) return;
    f.entmax_alpha_backward_rows!(
      rt.in(y, 0, n), rt.in(dy, 0, n), rt.out(dAlpha, 0, dAlpha.length), rows, cols,
      rt.in(alpha, 0, alpha.length), alpha.length, Math.max(rowsPerAlpha, 1),
    );
  };

  const topKMaskRows: Kernels["topKMaskRows"] = (x, mask, out, rows, cols, k) => {
    if (!f32(x)) return js.topKMaskRows(x, mask, out, rows, cols, k);
    const n = rows * cols;
    if (n <= 0) return;
    f.topk_mask_rows!(rt.in(x, 0, n), mask ? rt.in(mask, 0, n) : 0, rt.out(out, 0, n, false), rows, cols, k, rowScratch(cols));
  };

  return released(rt, { sparsemaxRows, entmax15Rows, entmaxBisectRows, entmaxBackwardRows, entmaxAlphaBackwardRows, topKMaskRows });
}
