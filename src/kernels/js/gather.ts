import type { FloatArray } from "../../tensor/dtype.js";

/** Reference row gather (embedding lookup) and its scatter-add backward. */
export function gatherRows(w: FloatArray, wOff: number, ids: Int32Array, idsOff: number, out: FloatArray, outOff: number, count: number, dim: number): void {
  for (let i = 0; i < count; i++) {
    const wo = wOff + ids[idsOff + i]! * dim;
    const oo = outOff + i * dim;
    for (let j = 0; j < dim; j++) out[oo + j] = w[wo + j]!;
  }
}

export function scatterAddRows(
  g: FloatArray, gOff: number, ids: Int32Array, idsOff: number,
  gw: FloatArray, gwOff: number, count: number, dim: number, skipId: number,
): void {
  for (let i = 0; i < count; i++) {
    const id = ids[idsOff + i]!;
    if (id === skipId) continue;
    const wo = gwOff + id * dim;
    const go = gOff + i * dim;
    for (let j = 0; j < dim; j++) gw[wo + j]! += g[go + j]!;
  }
}
