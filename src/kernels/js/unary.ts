import type { FloatArray } from "../../tensor/dtype.js";
import type { UnaryOpKind } from "../types.js";
import { erf } from "./erf.js";

/** Reference pointwise nonlinearities and their backward (float64 arithmetic, stored to the array's type). */
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

export function unaryForward(op: UnaryOpKind, x: FloatArray, xOff: number, y: FloatArray, yOff: number, n: number): void {
  switch (op) {
    case "exp": for (let i = 0; i < n; i++) y[yOff + i] = Math.exp(x[xOff + i]!); break;
    case "log": for (let i = 0; i < n; i++) y[yOff + i] = Math.log(x[xOff + i]!); break;
    case "tanh": for (let i = 0; i < n; i++) y[yOff + i] = Math.tanh(x[xOff + i]!); break;
    case "sigmoid": for (let i = 0; i < n; i++) y[yOff + i] = 1 / (1 + Math.exp(-x[xOff + i]!)); break;
    case "relu": for (let i = 0; i < n; i++) { const v = x[xOff + i]!; y[yOff + i] = v > 0 ? v : 0; } break;
    case "gelu":
      for (let i = 0; i < n; i++) { const v = x[xOff + i]!; y[yOff + i] = 0.5 * v * (1 + erf(v * SQRT1_2)); }
      break;
    case "geluTanh":
      for (let i = 0; i < n; i++) {
        const v = x[xOff + i]!;
        y[yOff + i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v)));
      }
      break;
    case "square": for (let i = 0; i < n; i++) { const v = x[xOff + i]!; y[yOff + i] = v * v; } break;
  }
}

export function unaryBackward(
  op: UnaryOpKind, x: FloatArray, xOff: number, y: FloatArray, yOff: number,
  g: FloatArray, gOff: number, gx: FloatArray, gxOff: number, n: number,
): void {
  switch (op) {
    case "exp": for (let i = 0; i < n; i++) gx[gxOff + i]! += g[gOff + i]! * y[yOff + i]!; break;
    case "log": for (let i = 0; i < n; i++) gx[gxOff + i]! += g[gOff + i]! / x[xOff + i]!; break;
    case "tanh":
      for (let i = 0; i < n; i++) { const t = y[yOff + i]!; gx[gxOff + i]! += g[gOff + i]! * (1 - t * t); }
      break;
    case "sigmoid":
      for (let i = 0; i < n; i++) { const s = y[yOff + i]!; gx[gxOff + i]! += g[gOff + i]! * s * (1 - s); }
      break;
    case "relu": for (let i = 0; i < n; i++) if (x[xOff + i]! > 0) gx[gxOff + i]! += g[gOff + i]!; break;
    case "gelu":
      for (let i = 0; i < n; i++) {
        const v = x[xOff + i]!;
        const cdf = 0.5 * (1 + erf(v * SQRT1_2));
        const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
        gx[gxOff + i]! += g[gOff + i]! * (cdf + v * pdf);
      }
      break;
    case "geluTanh":
      for (let i = 0; i < n; i++) {
        const v = x[xOff + i]!;
        const t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v));
        const du = SQRT_2_OVER_PI * (1 + 3 * GELU_C * v * v);
        gx[gxOff + i]! += g[gOff + i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
      }
      break;
    case "square": for (let i = 0; i < n; i++) gx[gxOff + i]! += 2 * g[gOff + i]! * x[xOff + i]!; break;
  }
}
