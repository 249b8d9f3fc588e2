import type { FloatArray } from "../../tensor/dtype.js";
import type { BinaryOpKind, OperandLayout } from "../types.js";

/**
 * Reference binary elementwise kernels with the fast broadcast layouts, plus affine, axpy and
 * the mask kernels. Element (r, c) of an operand with layout L sits at
 *   off + r·rowStride(L) + c·colStep(L):
 * "full" (cols, 1), "row" (0, 1: one row repeated), "col" (1, 0: one value per row).
 */
const rowStride = (l: OperandLayout, cols: number): number => (l === "full" ? cols : l === "col" ? 1 : 0);
const colStep = (l: OperandLayout): number => (l === "col" ? 0 : 1);

export function binaryForward(
  op: BinaryOpKind,
  a: FloatArray, aOff: number, aLayout: OperandLayout,
  b: FloatArray, bOff: number, bLayout: OperandLayout,
  out: FloatArray, outOff: number, rows: number, cols: number,
): void {
  const ars = rowStride(aLayout, cols), acs = colStep(aLayout);
  const brs = rowStride(bLayout, cols), bcs = colStep(bLayout);
  for (let r = 0; r < rows; r++) {
    const ao = aOff + r * ars, bo = bOff + r * brs, oo = outOff + r * cols;
    // One loop per kind: no branch on the kind per element.
    switch (op) {
      case "add": for (let c = 0; c < cols; c++) out[oo + c] = a[ao + c * acs]! + b[bo + c * bcs]!; break;
      case "sub": for (let c = 0; c < cols; c++) out[oo + c] = a[ao + c * acs]! - b[bo + c * bcs]!; break;
      case "mul": for (let c = 0; c < cols; c++) out[oo + c] = a[ao + c * acs]! * b[bo + c * bcs]!; break;
      case "div": for (let c = 0; c < cols; c++) out[oo + c] = a[ao + c * acs]! / b[bo + c * bcs]!; break;
    }
  }
}

/**
 * tmp[c] = ∂(a ∘ b)/∂operand · g for the row's elements (operand 0 = a, 1 = b), one loop per
 * kind: add g, sub ±g, mul g·(other), div g/b for a and −g·a/b² for b.
 */
function partialRow(
  op: BinaryOpKind, which: 0 | 1, g: FloatArray, go: number,
  a: FloatArray, ao: number, acs: number, b: FloatArray, bo: number, bcs: number, cols: number, tmp: Float64Array,
): void {
  switch (op) {
    case "add":
      for (let c = 0; c < cols; c++) tmp[c] = g[go + c]!;
      break;
    case "sub":
      if (which === 0) for (let c = 0; c < cols; c++) tmp[c] = g[go + c]!;
      else for (let c = 0; c < cols; c++) tmp[c] = -g[go + c]!;
      break;
    case "mul":
      if (which === 0) for (let c = 0; c < cols; c++) tmp[c] = g[go + c]! * b[bo + c * bcs]!;
      else for (let c = 0; c < cols; c++) tmp[c] = g[go + c]! * a[ao + c * acs]!;
      break;
    case "div":
      if (which === 0) for (let c = 0; c < cols; c++) tmp[c] = g[go + c]! / b[bo + c * bcs]!;
      else {
        for (let c = 0; c < cols; c++) {
          const bv = b[bo + c * bcs]!;
          tmp[c] = -(g[go + c]! * a[ao + c * acs]!) / (bv * bv);
        }
      }
      break;
  }
}

export function binaryBackward(
  op: BinaryOpKind, which: 0 | 1,
  g: FloatArray, gOff: number,
  a: FloatArray, aOff: number, aLayout: OperandLayout,
  b: FloatArray, bOff: number, bLayout: OperandLayout,
  dst: FloatArray, dstOff: number, rows: number, cols: number,
): void {
  const ars = rowStride(aLayout, cols), acs = colStep(aLayout);
  const brs = rowStride(bLayout, cols), bcs = colStep(bLayout);
  const dLayout = which === 0 ? aLayout : bLayout;
  const tmp = new Float64Array(Math.min(cols, CHUNK));
  for (let r = 0; r < rows; r++) {
    const go = gOff + r * cols, ao = aOff + r * ars, bo = bOff + r * brs;
    let s = 0;
    for (let c0 = 0; c0 < cols; c0 += CHUNK) {
      const len = Math.min(CHUNK, cols - c0);
      partialRow(op, which, g, go + c0, a, ao + c0 * acs, acs, b, bo + c0 * bcs, bcs, len, tmp);
      if (dLayout === "col") {
        // One value per row: the row's partials summed (in float64 here), then added once.
        for (let c = 0; c < len; c++) s += tmp[c]!;
      } else {
        // "full": each element its own; "row": rows added into the one row in order 0..rows−1.
        const d = dstOff + (dLayout === "full" ? r * cols : 0) + c0;
        for (let c = 0; c < len; c++) dst[d + c]! += tmp[c]!;
      }
    }
    if (dLayout === "col") dst[dstOff + r]! += s;
  }
}

/** Columns of partials computed at a time (bounds the float64 scratch of binaryBackward). */
const CHUNK = 1024;

export function affine(x: FloatArray, xOff: number, out: FloatArray, outOff: number, n: number, scale: number, shift: number): void {
  for (let i = 0; i < n; i++) out[outOff + i] = x[xOff + i]! * scale + shift;
}

export function axpy(n: number, alpha: number, x: FloatArray, xOff: number, y: FloatArray, yOff: number): void {
  for (let i = 0; i < n; i++) y[yOff + i]! += alpha * x[xOff + i]!;
}

export function maskedFill(
  x: FloatArray, xOff: number, mask: Uint8Array, maskOff: number,
  out: FloatArray, outOff: number, n: number, scale: number, fill: number,
): void {
  for (let i = 0; i < n; i++) out[outOff + i] = mask[maskOff + i] ? fill : x[xOff + i]! * scale;
}

export function maskedAccumulate(
  g: FloatArray, gOff: number, mask: Uint8Array, maskOff: number,
  gx: FloatArray, gxOff: number, n: number, scale: number,
): void {
  for (let i = 0; i < n; i++) if (!mask[maskOff + i]) gx[gxOff + i]! += g[gOff + i]! * scale;
}

export function selectRows(
  keep: Uint8Array, a: FloatArray, aOff: number, b: FloatArray, bOff: number,
  out: FloatArray, outOff: number, rows: number, width: number,
): void {
  for (let r = 0; r < rows; r++) {
    const src = keep[r] ? a : b;
    const so = (keep[r] ? aOff : bOff) + r * width;
    const oo = outOff + r * width;
    for (let i = 0; i < width; i++) out[oo + i] = src[so + i]!;
  }
}

export function accumulateRowsWhere(
  keep: Uint8Array, whenKept: boolean, g: FloatArray, gOff: number,
  dst: FloatArray, dstOff: number, rows: number, width: number,
): void {
  for (let r = 0; r < rows; r++) {
    if ((keep[r] !== 0) !== whenKept) continue;
    const go = gOff + r * width, d = dstOff + r * width;
    for (let i = 0; i < width; i++) dst[d + i]! += g[go + i]!;
  }
}
