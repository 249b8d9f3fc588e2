import {
  addConst, doWhileNe, f32x4Add, f32x4Mul, get, i32c, moduleBytes, op, set, v128Load, v128Load32Splat,
  v128Store, v128Zero, valtype,
} from "./emit.js";

/**
 * The WebAssembly SIMD matmul module, emitted byte by byte. It exports one function
 *
 *   gemm(aPtr, bPtr, cPtr, mPanels, nPanels, k)
 *
 * over f32 data in the imported memory, all byte addresses:
 *  - A packed as mPanels panels of MR rows: panel r holds, for p = 0..k-1, A(MR·r + 0..MR-1, p);
 *  - B packed as nPanels panels of 8 columns: panel s holds, for each p, B(p, 8s + 0..7);
 *  - C written (not added) as a row-major (MR·mPanels) × (8·nPanels) matrix.
 * The micro-kernel keeps an MR×8 tile of C in 2·MR f32x4 registers; each depth step loads two
 * vectors of B, splats MR values of A and does 2·MR vector multiply-adds. mPanels, nPanels and k
 * must be ≥ 1. Padding rows/columns (beyond the caller's m, n) are computed and ignored.
 */
export const NR_WASM = 8;

/**
 * Most 64 KiB pages the memory may grow to (1 GiB). The memory is shared so that growing it never
 * detaches an ArrayBuffer: a detach anywhere in the process makes V8 guard every typed-array
 * access from then on, which slowed the JS matmul by about 13 % (docs/performance.md).
 */
export const MAX_PAGES = 16384;

export function gemmModuleBytes(MR: number): Uint8Array {
  // Parameters 0–5, then i32 locals, then v128 locals.
  const [aPtr, bPtr, cPtr, mPanels, nPanels, k] = [0, 1, 2, 3, 4, 5];
  const [bPanel, bAllEnd, cCol, aPanel, aEnd, cTile, pa, pb, pbEnd, rowBytes, cRow, bPanelBytes] =
    [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const [b0, b1, a] = [18, 19, 20];
  const acc = (r: number, half: number) => 21 + 2 * r + half;
  const rows = Array.from({ length: MR }, (_, r) => r);

  const mulAdd = (r: number, half: number, bv: number) =>
    [...get(acc(r, half)), ...get(a), ...get(bv), ...f32x4Mul(), ...f32x4Add(), ...set(acc(r, half))];

  const depthLoop = doWhileNe([
    ...get(pb), ...v128Load(0), ...set(b0),
    ...get(pb), ...v128Load(16), ...set(b1),
    ...rows.flatMap((r) => [...get(pa), ...v128Load32Splat(4 * r), ...set(a), ...mulAdd(r, 0, b0), ...mulAdd(r, 1, b1)]),
    ...addConst(pa, 4 * MR),
    ...addConst(pb, 4 * NR_WASM),
  ], pb, pbEnd);

  const tile = [
    ...rows.flatMap((r) => [...v128Zero(), ...set(acc(r, 0)), ...v128Zero(), ...set(acc(r, 1))]),
    ...get(aPanel), ...set(pa),
    ...get(bPanel), ...set(pb),
    ...get(bPanel), ...get(bPanelBytes), op.i32Add, ...set(pbEnd),
    ...depthLoop,
    ...get(cTile), ...set(cRow),
    ...rows.flatMap((r) => [
      ...get(cRow), ...get(acc(r, 0)), ...v128Store(0),
      ...get(cRow), ...get(acc(r, 1)), ...v128Store(16),
      ...get(cRow), ...get(rowBytes), op.i32Add, ...set(cRow),
    ]),
    ...get(pa), ...set(aPanel), // A panels are contiguous: the next one starts where this ended
    ...get(cRow), ...set(cTile), // … and the next C tile MR rows down
  ];

  const columnPanel = [
    ...get(aPtr), ...set(aPanel),
    ...get(cCol), ...set(cTile),
    ...doWhileNe(tile, aPanel, aEnd),
    ...get(pbEnd), ...set(bPanel),
    ...addConst(cCol, 4 * NR_WASM),
  ];

  const body = [
    ...get(k), ...i32c(4 * NR_WASM), op.i32Mul, ...set(bPanelBytes),
    ...get(nPanels), ...i32c(4 * NR_WASM), op.i32Mul, ...set(rowBytes),
    ...get(aPtr), ...get(mPanels), ...get(k), op.i32Mul, ...i32c(4 * MR), op.i32Mul, op.i32Add, ...set(aEnd),
    ...get(bPtr), ...get(nPanels), ...get(bPanelBytes), op.i32Mul, op.i32Add, ...set(bAllEnd),
    ...get(bPtr), ...set(bPanel),
    ...get(cPtr), ...set(cCol),
    ...doWhileNe(columnPanel, bPanel, bAllEnd),
  ];

  return moduleBytes(MAX_PAGES, [{
    name: "gemm",
    params: [valtype.i32, valtype.i32, valtype.i32, valtype.i32, valtype.i32, valtype.i32],
    locals: [[12, valtype.i32], [3 + 2 * MR, valtype.v128]],
    body,
  }]);
}
