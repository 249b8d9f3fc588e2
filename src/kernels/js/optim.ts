import type { FloatArray } from "../../tensor/dtype.js";

/**
 * Reference optimizer updates and gradient-norm pieces (see the `Kernels` doc comments). Every
 * update is computed in float64 and rounded once when stored. The WebAssembly kernels do the
 * same float64 arithmetic for SGD and scaleInPlace (bit-identical results) and compute Adam in
 * float32 (within float32 tolerance).
 */

export function adamStep(
  p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, n: number,
  beta1: number, beta2: number, eps: number, l2: number, shrink: number, stepSize: number, bc2Sqrt: number,
): void {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const gi = g[i]! + l2 * pi;
    const mi = beta1 * m[i]! + c1 * gi;
    let vi = beta2 * v[i]! + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    if (vMax) {
      vi = Math.max(vMax[i]!, vi);
      vMax[i] = vi;
    }
    p[i] = pi * shrink - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

export function sgdStep(
  p: FloatArray, g: FloatArray, buf: FloatArray | null, n: number,
  lr: number, momentum: number, dampening: number, nesterov: boolean, weightDecay: number, first: boolean,
): void {
  if (!buf || momentum === 0) {
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (g[i]! + weightDecay * p[i]!);
    return;
  }
  const c = 1 - dampening;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const d = g[i]! + weightDecay * pi;
    const b = first ? d : momentum * buf[i]! + c * d;
    buf[i] = b;
    p[i] = pi - lr * (nesterov ? d + momentum * b : b);
  }
}

export function sumSquares(x: FloatArray, off: number, n: number): number {
  let acc = 0;
  for (let i = off; i < off + n; i++) acc += x[i]! * x[i]!;
  return acc;
}

export function sumAbs(x: FloatArray, off: number, n: number): number {
  let acc = 0;
  for (let i = off; i < off + n; i++) acc += Math.abs(x[i]!);
  return acc;
}

export function maxAbs(x: FloatArray, off: number, n: number): number {
  let acc = 0;
  for (let i = off; i < off + n; i++) {
    const a = Math.abs(x[i]!);
    if (a > acc) acc = a;
    else if (Number.isNaN(a)) return NaN;
  }
  return acc;
}

export function scaleInPlace(x: FloatArray, off: number, n: number, s: number): void {
  for (let i = off; i < off + n; i++) x[i] = x[i]! * s;
}
