import type { FloatArray } from "../../tensor/dtype.js";

/** Reference sums over the middle axis of x viewed as [outer, dim, inner], and their backward. */
export function sumAxis(x: FloatArray, xOff: number, out: FloatArray, outOff: number, outer: number, dim: number, inner: number, scale: number): void {
  out.fill(0, outOff, outOff + outer * inner);
  for (let o = 0; o < outer; o++) {
    const oo = outOff + o * inner;
    for (let d = 0; d < dim; d++) {
      const xo = xOff + (o * dim + d) * inner;
      for (let i = 0; i < inner; i++) out[oo + i]! += x[xo + i]!;
    }
  }
  if (scale !== 1) for (let i = 0; i < outer * inner; i++) out[outOff + i]! *= scale;
}

export function sumAxisBackward(g: FloatArray, gOff: number, gx: FloatArray, gxOff: number, outer: number, dim: number, inner: number, scale: number): void {
  for (let o = 0; o < outer; o++) {
    const go = gOff + o * inner;
    for (let d = 0; d < dim; d++) {
      const xo = gxOff + (o * dim + d) * inner;
      for (let i = 0; i < inner; i++) gx[xo + i]! += g[go + i]! * scale;
    }
  }
}
