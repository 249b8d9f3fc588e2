import * as ew from "../js/elementwise.js";
import { gatherRows, scatterAddRows } from "../js/gather.js";
import { sumAxis, sumAxisBackward } from "../js/reduce.js";
import { unaryBackward, unaryForward } from "../js/unary.js";
import type { BinaryOpKind, Kernels, OperandLayout, UnaryOpKind } from "../types.js";
import { f32, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** Op and layout codes of c/elementwise.c. */
const BINARY: Record<BinaryOpKind, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const LAYOUT: Record<OperandLayout, number> = { full: 0, row: 1, col: 2 };
const UNARY: Record<UnaryOpKind, number> = { exp: 0, log: 1, tanh: 2, sigmoid: 3, relu: 4, gelu: 5, geluTanh: 6, square: 7 };
/** Unary backwards that read x (the others read the saved output y). */
const READS_X: Record<UnaryOpKind, boolean> = {
  exp: false, log: true, tanh: false, sigmoid: false, relu: true, gelu: true, geluTanh: true, square: true,
};

/** Elements an operand of the given layout spans over a rows × cols output. */
function operandSize(layout: OperandLayout, rows: number, cols: number): number {
  return layout === "full" ? rows * cols : layout === "row" ? cols : rows;
}

/**
 * The elementwise family on the WebAssembly module (c/elementwise.c): binary ops with the fast
 * broadcast layouts and their backward, unary ops, affine/axpy, axis sums, row gather/scatter-add,
 * masks and row selection. Float64 storage (gradient checks) stays on the JS reference.
 */
export function bindElementwise(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  return released(rt, {
    binaryForward(op, a, aOff, aL, b, bOff, bL, out, outOff, rows, cols) {
      if (!f32(a) || !f32(b) || !f32(out)) return ew.binaryForward(op, a, aOff, aL, b, bOff, bL, out, outOff, rows, cols);
      if (rows * cols === 0) return;
      f.ew_binary!(
        BINARY[op], rt.in(a, aOff, operandSize(aL, rows, cols)), LAYOUT[aL],
        rt.in(b, bOff, operandSize(bL, rows, cols)), LAYOUT[bL], rt.out(out, outOff, rows * cols, false), rows, cols,
      );
    },
    binaryBackward(op, which, g, gOff, a, aOff, aL, b, bOff, bL, dst, dstOff, rows, cols) {
      if (!f32(g) || !f32(a) || !f32(b) || !f32(dst)) {
        return ew.binaryBackward(op, which, g, gOff, a, aOff, aL, b, bOff, bL, dst, dstOff, rows, cols);
      }
      if (rows * cols === 0) return;
      // add/sub read neither operand, mul only the other one: skip copying what is not read.
      const readA = op === "div" || (op === "mul" && which === 1);
      const readB = op === "div" || (op === "mul" && which === 0);
      f.ew_binary_backward!(
        BINARY[op], which, rt.in(g, gOff, rows * cols),
        readA ? rt.in(a, aOff, operandSize(aL, rows, cols)) : 0, LAYOUT[aL],
        readB ? rt.in(b, bOff, operandSize(bL, rows, cols)) : 0, LAYOUT[bL],
        rt.out(dst, dstOff, operandSize(which === 0 ? aL : bL, rows, cols)), rows, cols,
      );
    },
    unaryForward(op, x, xOff, y, yOff, n) {
      if (!f32(x) || !f32(y)) return unaryForward(op, x, xOff, y, yOff, n);
      if (n === 0) return;
      f.ew_unary!(UNARY[op], rt.in(x, xOff, n), rt.out(y, yOff, n, false), n);
    },
    unaryBackward(op, x, xOff, y, yOff, g, gOff, gx, gxOff, n) {
      if (!f32(x) || !f32(y) || !f32(g) || !f32(gx)) return unaryBackward(op, x, xOff, y, yOff, g, gOff, gx, gxOff, n);
      if (n === 0) return;
      const rx = READS_X[op];
      f.ew_unary_backward!(UNARY[op], rx ? rt.in(x, xOff, n) : 0, rx ? 0 : rt.in(y, yOff, n), rt.in(g, gOff, n), rt.out(gx, gxOff, n), n);
    },
    affine(x, xOff, out, outOff, n, scale, shift) {
      if (!f32(x) || !f32(out)) return ew.affine(x, xOff, out, outOff, n, scale, shift);
      if (n === 0) return;
      f.ew_affine!(rt.in(x, xOff, n), rt.out(out, outOff, n, false), n, scale, shift);
    },
    axpy(n, alpha, x, xOff, y, yOff) {
      if (!f32(x) || !f32(y)) return ew.axpy(n, alpha, x, xOff, y, yOff);
      if (n === 0) return;
      f.ew_axpy!(n, alpha, rt.in(x, xOff, n), rt.out(y, yOff, n));
    },
    sumAxis(x, xOff, out, outOff, outer, dim, inner, scale) {
      if (!f32(x) || !f32(out)) return sumAxis(x, xOff, out, outOff, outer, dim, inner, scale);
      const n = outer * inner;
      if (n === 0) return;
      f.ew_sum_axis!(rt.in(x, xOff, n * dim), rt.out(out, outOff, n, false), outer, dim, inner, scale);
    },
    sumAxisBackward(g, gOff, gx, gxOff, outer, dim, inner, scale) {
      if (!f32(g) || !f32(gx)) return sumAxisBackward(g, gOff, gx, gxOff, outer, dim, inner, scale);
      const n = outer * inner;
      if (n * dim === 0) return;
      f.ew_sum_axis_backward!(rt.in(g, gOff, n), rt.out(gx, gxOff, n * dim), outer, dim, inner, scale);
    },
    gatherRows(w, wOff, ids, idsOff, out, outOff, count, dim) {
      if (!f32(w) || !f32(out)) return gatherRows(w, wOff, ids, idsOff, out, outOff, count, dim);
      if (count * dim === 0) return;
      // The whole table is addressable: in kernel memory (parameters) it is not copied.
      f.ew_gather_rows!(rt.in(w, wOff, w.length - wOff), rt.in(ids, idsOff, count), rt.out(out, outOff, count * dim, false), count, dim);
    },
    scatterAddRows(g, gOff, ids, idsOff, gw, gwOff, count, dim, skipId) {
      if (!f32(g) || !f32(gw)) return scatterAddRows(g, gOff, ids, idsOff, gw, gwOff, count, dim, skipId);
      if (count * dim === 0) return;
      f.ew_scatter_add_rows!(rt.in(g, gOff, count * dim), rt.in(ids, idsOff, count), rt.out(gw, gwOff, gw.length - gwOff), count, dim, skipId);
    },
    maskedFill(x, xOff, mask, maskOff, out, outOff, n, scale, fill) {
      if (!f32(x) || !f32(out)) return ew.maskedFill(x, xOff, mask, maskOff, out, outOff, n, scale, fill);
      if (n === 0) return;
      f.ew_masked_fill!(rt.in(x, xOff, n), rt.in(mask, maskOff, n), rt.out(out, outOff, n, false), n, scale, fill);
    },
    maskedAccumulate(g, gOff, mask, maskOff, gx, gxOff, n, scale) {
      if (!f32(g) || !f32(gx)) return ew.maskedAccumulate(g, gOff, mask, maskOff, gx, gxOff, n, scale);
      if (n === 0) return;
      f.ew_masked_accumulate!(rt.in(g, gOff, n), rt.in(mask, maskOff, n), rt.out(gx, gxOff, n), n, scale);
    },
    selectRows(keep, a, aOff, b, bOff, out, outOff, rows, width) {
      if (!f32(a) || !f32(b) || !f32(out)) return ew.selectRows(keep, a, aOff, b, bOff, out, outOff, rows, width);
      const n = rows * width;
      if (n === 0) return;
      f.ew_select_rows!(rt.in(keep, 0, rows), rt.in(a, aOff, n), rt.in(b, bOff, n), rt.out(out, outOff, n, false), rows, width);
    },
    accumulateRowsWhere(keep, whenKept, g, gOff, dst, dstOff, rows, width) {
      if (!f32(g) || !f32(dst)) return ew.accumulateRowsWhere(keep, whenKept, g, gOff, dst, dstOff, rows, width);
      const n = rows * width;
      if (n === 0) return;
      f.ew_accumulate_rows_where!(rt.in(keep, 0, rows), whenKept ? 1 : 0, rt.in(g, gOff, n), rt.out(dst, dstOff, n), rows, width);
    },
  });
}
