import type { FloatArray } from "../../tensor/dtype.js";
import { MR, NR, packA, packB, scratchA, scratchB } from "./gemmPack.js";
import { microKernel4x4 } from "./gemmMicro.js";
import { type MatmulAdd, matmulDirect } from "./matmulDirect.js";

/**
 * Plain-TypeScript matmul in its four layouts (see Kernels.matmul for the contract):
 * C[m×n] (+)= op(A)[m×k] · op(B)[k×n], all row-major, A stored k×m when `transA`, B stored n×k
 * when `transB`.
 *
 * Large products use a GotoBLAS-style blocked algorithm: for each depth block of KC, the B block
 * is packed once into panels of NR columns; for each MC-row block of A, the A block is packed
 * into panels of MR rows; then a 4×4 register-blocked micro-kernel computes every MR×NR tile of
 * C from one A panel and one B panel. Packing absorbs the layout, so all four layouts run the
 * same inner loop. Small products (where packing would cost as much as the arithmetic) use
 * direct loops (matmulDirect.ts).
 *
 * The only allocations are the grow-only packing scratch buffers.
 */

/** Depth of a cache block: a packed A block is MC·KC float64 (128 KiB), a B micro-panel KC·NR (8 KiB). */
const KC = 256;
/** Rows of A per cache block. */
const MC = 64;

/**
 * Products that use the direct loops instead: a packed 4×4 tile would be mostly zero padding
 * (m < 4 or n < 3), or the whole product is too small to amortise packing. Measured with
 * bench/matmulSmall.ts (see docs/performance.md).
 */
function useDirect(m: number, n: number, k: number): boolean {
  return m < 4 || n < 3 || m * n * k < 512;
}

const tile = new Float64Array(MR * NR);

export function matmul(
  a: FloatArray, aOff: number,
  b: FloatArray, bOff: number,
  c: FloatArray, cOff: number,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  if (m <= 0 || n <= 0) return;
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (k <= 0) return;
  if (useDirect(m, n, k)) matmulDirect(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
  else matmulBlocked(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
}

/** The blocked path: C += op(A)·op(B) for any m, n, k ≥ 1 (exported for tests and benchmarks). */
export const matmulBlocked: MatmulAdd = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB) => {
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    const pb = scratchB(kc, n);
    packB(b, bOff, transB, n, k, k0, kc, pb);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const pa = scratchA(mc, kc);
      packA(a, aOff, transA, m, k, i0, mc, k0, kc, pa);
      for (let j = 0; j < n; j += NR) {
        const nr = Math.min(NR, n - j);
        const bPanel = (j / NR) * NR * kc;
        for (let i = 0; i < mc; i += MR) {
          microKernel4x4(kc, pa, (i / MR) * MR * kc, pb, bPanel, tile);
          addTile(c, cOff + (i0 + i) * n + j, n, Math.min(MR, mc - i), nr);
        }
      }
    }
  }
};

/** c[at + r·ldc + col] += tile[r·NR + col] for the rows × cols part of the tile inside C. */
function addTile(c: FloatArray, at: number, ldc: number, rows: number, cols: number): void {
  if (rows === MR && cols === NR) {
    for (let r = 0; r < MR; r++) {
      const o = at + r * ldc;
      const t = r * NR;
      c[o]! += tile[t]!;
      c[o + 1]! += tile[t + 1]!;
      c[o + 2]! += tile[t + 2]!;
      c[o + 3]! += tile[t + 3]!;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = at + r * ldc;
    for (let col = 0; col < cols; col++) c[o + col]! += tile[r * NR + col]!;
  }
}
