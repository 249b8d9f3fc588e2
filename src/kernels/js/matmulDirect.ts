import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Unblocked matmul for small or thin products (C += op(A)·op(B); the caller has already zeroed
 * C when not accumulating). Sums run in float64 like the blocked path. Two loop shapes cover the
 * four layouts, with op(A)(i, p) at a[aOff + i·ars + p·acs]:
 *  - B not transposed (rows of B contiguous along n): C row i = Σ_p A(i,p) · B row p, summed
 *    into a float64 row buffer, four rows of B per pass;
 *  - B transposed (rows of the stored B contiguous along k): C(i,j) = dot(A row i, stored row j),
 *    four dot products at a time.
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
      let p = 0;
      // Four rows of B per pass over the accumulator row.
      for (; p + 4 <= k; p += 4) {
        const a0 = a[ai + p * acs]!, a1 = a[ai + (p + 1) * acs]!;
        const a2 = a[ai + (p + 2) * acs]!, a3 = a[ai + (p + 3) * acs]!;
        const b0 = bOff + p * n;
        const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
        for (let j = 0; j < n; j++) acc[j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
      }
      for (; p < k; p++) {
        const av = a[ai + p * acs]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) acc[j]! += av * b[bp + j]!;
      }
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) c[ci + j]! += acc[j]!;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * ars;
      const ci = cOff + i * n;
      let j = 0;
      // Four dot products at a time share each load of A.
      for (; j + 4 <= n; j += 4) {
        const b0 = bOff + j * k;
        const b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ai + p * acs]!;
          s0 += av * b[b0 + p]!;
          s1 += av * b[b1 + p]!;
          s2 += av * b[b2 + p]!;
          s3 += av * b[b3 + p]!;
        }
        c[ci + j]! += s0;
        c[ci + j + 1]! += s1;
        c[ci + j + 2]! += s2;
        c[ci + j + 3]! += s3;
      }
      for (; j < n; j++) {
        const bj = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * acs]! * b[bj + p]!;
        c[ci + j]! += s;
      }
    }
  }
};
