import type { FloatArray } from "../../tensor/dtype.js";

/** Reference additive-attention energies (see the `Kernels` doc comments); float64 sums. */
export function additiveEnergiesForward(
  keys: FloatArray, query: FloatArray, v: FloatArray, e: FloatArray, tanhCache: FloatArray,
  batch: number, srcLen: number, dim: number,
): void {
  for (let b = 0; b < batch; b++) {
    const qo = b * dim;
    for (let s = 0; s < srcLen; s++) {
      const ko = (b * srcLen + s) * dim;
      let acc = 0;
      for (let a = 0; a < dim; a++) {
        const t = Math.tanh(keys[ko + a]! + query[qo + a]!);
        tanhCache[ko + a] = t;
        acc += v[a]! * t;
      }
      e[b * srcLen + s] = acc;
    }
  }
}

export function additiveEnergiesBackward(
  de: FloatArray, tanhCache: FloatArray, v: FloatArray,
  dkeys: FloatArray | null, dquery: FloatArray | null, dv: FloatArray | null,
  batch: number, srcLen: number, dim: number,
): void {
  for (let b = 0; b < batch; b++) {
    const qo = b * dim;
    for (let s = 0; s < srcLen; s++) {
      const ge = de[b * srcLen + s]!;
      if (ge === 0) continue;
      const ko = (b * srcLen + s) * dim;
      for (let a = 0; a < dim; a++) {
        const t = tanhCache[ko + a]!;
        const d = ge * v[a]! * (1 - t * t);
        if (dkeys) dkeys[ko + a]! += d;
        if (dquery) dquery[qo + a]! += d;
        if (dv) dv[a]! += ge * t;
      }
    }
  }
}
