import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Reference kernels of additive energies with a coverage term (see the `Kernels` doc comments):
 * e[r, s] = Σ_a v[a]·tanh(keys[⌊r/G⌋, s, a] + query[r, a] + cov[r, s]·wc[a]); float64 sums, a in order.
 */
export function coverageEnergiesForward(
  keys: FloatArray, query: FloatArray, v: FloatArray, cov: FloatArray, wc: FloatArray, e: FloatArray, tanhCache: FloatArray,
  rows: number, rowsPerSentence: number, srcLen: number, dim: number,
): void {
  for (let r = 0; r < rows; r++) {
    const b = Math.floor(r / rowsPerSentence);
    const qo = r * dim;
    for (let s = 0; s < srcLen; s++) {
      const ko = (b * srcLen + s) * dim;
      const to = (r * srcLen + s) * dim;
      const c = cov[r * srcLen + s]!;
      let acc = 0;
      for (let a = 0; a < dim; a++) {
        const t = Math.tanh(keys[ko + a]! + query[qo + a]! + c * wc[a]!);
        tanhCache[to + a] = t;
        acc += v[a]! * t;
      }
      e[r * srcLen + s] = acc;
    }
  }
}

/**
 * Backward of coverageEnergiesForward given de [rows×srcLen]: with d = de·v·(1 − t²),
 * dkeys[⌊r/G⌋] += d, dquery[r] += Σ_s d, dv += Σ de·t, dcov[r, s] += Σ_a d·wc, dwc += Σ d·cov
 * (rows, then s, then a in order). Entries with de = 0 (masked positions) are skipped.
 */
export function coverageEnergiesBackward(
  de: FloatArray, tanhCache: FloatArray, v: FloatArray, cov: FloatArray, wc: FloatArray,
  dkeys: FloatArray | null, dquery: FloatArray | null, dv: FloatArray | null, dcov: FloatArray | null, dwc: FloatArray | null,
  rows: number, rowsPerSentence: number, srcLen: number, dim: number,
): void {
  for (let r = 0; r < rows; r++) {
    const b = Math.floor(r / rowsPerSentence);
    const qo = r * dim;
    for (let s = 0; s < srcLen; s++) {
      const ge = de[r * srcLen + s]!;
      if (ge === 0) continue;
      const ko = (b * srcLen + s) * dim;
      const to = (r * srcLen + s) * dim;
      const c = cov[r * srcLen + s]!;
      let dc = 0;
      for (let a = 0; a < dim; a++) {
        const t = tanhCache[to + a]!;
        const d = ge * v[a]! * (1 - t * t);
        if (dkeys) dkeys[ko + a]! += d;
        if (dquery) dquery[qo + a]! += d;
        if (dv) dv[a]! += ge * t;
        if (dwc) dwc[a]! += d * c;
        dc += d * wc[a]!;
      }
      if (dcov) dcov[r * srcLen + s]! += dc;
    }
  }
}
