import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Plain-JS matmul in its four layouts. See Kernels.matmul for the contract.
 * Loop orders keep the innermost loop on contiguous memory for each layout.
 */
export function matmul(
  a: FloatArray, aOff: number,
  b: FloatArray, bOff: number,
  c: FloatArray, cOff: number,
  m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (!transA && !transB) {
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      const ai = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p]!;
        if (av === 0) continue;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j]!;
      }
    }
  } else if (!transA && transB) {
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * k;
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
        c[ci + j] += s;
      }
    }
  } else if (transA && !transB) {
    for (let p = 0; p < k; p++) {
      const ap = aOff + p * m;
      const bp = bOff + p * n;
      for (let i = 0; i < m; i++) {
        const av = a[ap + i]!;
        if (av === 0) continue;
        const ci = cOff + i * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j]!;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aOff + p * m + i]! * b[bj + p]!;
        c[ci + j] += s;
      }
    }
  }
}
