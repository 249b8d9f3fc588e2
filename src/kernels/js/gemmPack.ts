import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Packing for the blocked matmul (see matmul.ts). Both operands are copied, one cache block at a
 * time, into grow-only Float64Array scratch buffers in "panel-major" order, so the micro-kernel
 * reads both of them sequentially whatever the layout (NN, NT, TN, TT) of the caller:
 *
 *  - A block rows i0..i0+mc, depth k0..k0+kc becomes ⌈mc/4⌉ panels; panel r holds, for each
 *    p = 0..kc-1, the 4 values A(i0 + 4r + 0..3, k0 + p).
 *  - B block depth k0..k0+kc, all n columns becomes ⌈n/4⌉ panels; panel s holds, for each p,
 *    the 4 values B(k0 + p, 4s + 0..3).
 *
 * Both are the same operation on "lines" (rows of op(A), columns of op(B)) read along the depth
 * p, so one function (packPanels) packs both. Lines past the end are zero-padded: the micro-kernel always
 * computes a full 4×4 tile and only the store into C looks at the ragged edge. Packing into
 * float64 keeps the inner loop free of float32→float64 conversions and keeps float64
 * (gradient-check) inputs exact.
 */

/** Rows of A per micro-tile. */
export const MR = 4;
/** Columns of B per micro-tile. */
export const NR = 4;

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);

/** Scratch big enough for an A block of mc rows × kc depth (grow-only). */
export function scratchA(mc: number, kc: number): Float64Array {
  const need = Math.ceil(mc / MR) * MR * kc;
  if (packedA.length < need) packedA = new Float64Array(need);
  return packedA;
}

/** Scratch big enough for a B block of kc depth × n columns (grow-only). */
export function scratchB(kc: number, n: number): Float64Array {
  const need = Math.ceil(n / NR) * NR * kc;
  if (packedB.length < need) packedB = new Float64Array(need);
  return packedB;
}

/**
 * Pack lines line0..line0+count (each read at depths k0..k0+kc) into dst[d0..] as panels of
 * `width` lines: for each depth, `width` consecutive values. Element (line l, depth p) lives at
 * src[off + l·lineStride + p·depthStride]. Also used by the WebAssembly kernels (wasm/) with
 * float32 destinations and other panel widths.
 */
export function packPanels(
  src: FloatArray, off: number, lineStride: number, depthStride: number,
  line0: number, count: number, k0: number, kc: number,
  dst: FloatArray, d0: number, width: number,
): void {
  let d = d0;
  const end = line0 + count;
  for (let l = line0; l < end; l += width) {
    const lines = Math.min(width, end - l);
    const s = off + l * lineStride + k0 * depthStride;
    // One small function per case: V8 compiles each copy loop tightly on its own (the same
    // loops as branches of one function ran about half as fast).
    if (lines === 4 && width === 4) pack4(src, s, lineStride, depthStride, kc, dst, d);
    else if (lines === 8 && width === 8) pack8(src, s, lineStride, depthStride, kc, dst, d);
    else packPartial(src, s, lineStride, depthStride, kc, dst, d, width, lines);
    d += width * kc;
  }
}

function pack4(src: FloatArray, s: number, ls: number, ds: number, kc: number, dst: FloatArray, d: number): void {
  const s1 = ls, s2 = 2 * ls, s3 = 3 * ls;
  for (let p = 0; p < kc; p++, s += ds, d += 4) {
    dst[d] = src[s]!;
    dst[d + 1] = src[s + s1]!;
    dst[d + 2] = src[s + s2]!;
    dst[d + 3] = src[s + s3]!;
  }
}

function pack8(src: FloatArray, s: number, ls: number, ds: number, kc: number, dst: FloatArray, d: number): void {
  const s1 = ls, s2 = 2 * ls, s3 = 3 * ls, s4 = 4 * ls, s5 = 5 * ls, s6 = 6 * ls, s7 = 7 * ls;
  for (let p = 0; p < kc; p++, s += ds, d += 8) {
    dst[d] = src[s]!;
    dst[d + 1] = src[s + s1]!;
    dst[d + 2] = src[s + s2]!;
    dst[d + 3] = src[s + s3]!;
    dst[d + 4] = src[s + s4]!;
    dst[d + 5] = src[s + s5]!;
    dst[d + 6] = src[s + s6]!;
    dst[d + 7] = src[s + s7]!;
  }
}

/** Any width, the first `lines` lines real and the rest zero. */
function packPartial(
  src: FloatArray, s: number, ls: number, ds: number, kc: number,
  dst: FloatArray, d: number, width: number, lines: number,
): void {
  for (let p = 0; p < kc; p++, s += ds, d += width) {
    for (let r = 0; r < width; r++) dst[d + r] = r < lines ? src[s + r * ls]! : 0;
  }
}

/** Pack rows i0..i0+mc of op(A) (m×k; stored k×m when `transA`) at depths k0..k0+kc. */
export function packA(
  a: FloatArray, aOff: number, transA: boolean, m: number, k: number,
  i0: number, mc: number, k0: number, kc: number, dst: Float64Array,
): void {
  packPanels(a, aOff, transA ? 1 : k, transA ? m : 1, i0, mc, k0, kc, dst, 0, MR);
}

/** Pack all n columns of op(B) (k×n; stored n×k when `transB`) at depths k0..k0+kc. */
export function packB(
  b: FloatArray, bOff: number, transB: boolean, n: number, k: number,
  k0: number, kc: number, dst: Float64Array,
): void {
  packPanels(b, bOff, transB ? k : 1, transB ? 1 : n, 0, n, k0, kc, dst, 0, NR);
}
