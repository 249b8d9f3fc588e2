import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Unblocked matmul for small or thin products (C += op(A)·op(B); the caller has already zeroed
 * C when not accumulating). Sums run in float64 like the blocked path. Two loop shapes cover the
 * four layouts, with op(A)(i, p) at a[aOff + i·ars + p·acs]:
 *  - B not transposed (rows of B contiguous along n): C row i = Σ_p A(i,p) · B row p, summed
 *    into a float64 row buffer;
 *  - B transposed (rows of the stored B contiguous along k): C(i,j) = dot(A row i, stored row j).
 */

let rowAcc = new Float64Array(0);

/** C += op(A)·op(B) (C already zeroed when not accumulating); the shared signature of both paths. */
export type MatmulAdd = (
  a: FloatArray, aOff: number,
  b: FloatArray, bOff: number,
  c: FloatArray, cOff: number,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean,
) => void;

export const matmulDirect: MatmulAdd = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB) => {
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  if (!transB) {
    if (rowAcc.length < n) rowAcc = new Float64Array(n);
    const acc = rowAcc;
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      const ai = aOff + i * ars;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p * acs]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) acc[j] += av * b[bp + j]!;
      }
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) c[ci + j] += acc[j]!;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * ars;
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * acs]! * b[bj + p]!;
        c[ci + j] += s;
      }
    }
  }
};
