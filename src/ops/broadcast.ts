import { broadcastShapes, shapesEqual, shapeSize, stridesOf, type Shape } from "../tensor/shape.js";

/**
 * For an input of shape `inShape` broadcast to `outShape`, the flat input index of every output
 * element, or null when the shapes are equal (identity). The map is built once per op call.
 */
export function broadcastIndexMap(inShape: Shape, outShape: Shape): Int32Array | null {
  if (shapesEqual(inShape, outShape)) return null;
  const n = shapeSize(outShape);
  const map = new Int32Array(n);
  const inN = shapeSize(inShape);
  // Fast path: the input is a suffix of the output (bias over rows), index = i mod inN.
  const offset = outShape.length - inShape.length;
  let isSuffix = true;
  for (let i = 0; i < inShape.length; i++) if (inShape[i] !== outShape[offset + i]) isSuffix = false;
  if (isSuffix) {
    for (let i = 0; i < n; i++) map[i] = i % inN;
    return map;
  }
  const inStrides = stridesOf(inShape);
  const outRank = outShape.length;
  // Effective stride per output axis: 0 where the input is broadcast (size 1 or missing).
  const eff = new Array<number>(outRank).fill(0);
  for (let ax = 0; ax < outRank; ax++) {
    const inAx = ax - offset;
    if (inAx >= 0 && inShape[inAx] !== 1) eff[ax] = inStrides[inAx]!;
  }
  const idx = new Array<number>(outRank).fill(0);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    map[i] = pos;
    for (let ax = outRank - 1; ax >= 0; ax--) {
      idx[ax]++;
      pos += eff[ax]!;
      if (idx[ax]! < outShape[ax]!) break;
      pos -= eff[ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
  return map;
}

export { broadcastShapes };

/**
 * How an op reads an input broadcast to `outShape`: element i of the output uses input element
 * `map[i]` when a map is needed, else `i % period`. Equal shapes (period = output size) and
 * suffix broadcasts such as a bias [H] over [B, T, H] (period = input size) — the cases in every
 * hot path — need no per-call index array.
 */
export interface BroadcastIndex {
  period: number;
  map: Int32Array | null;
}

export function broadcastIndex(inShape: Shape, outShape: Shape): BroadcastIndex {
  const n = shapeSize(outShape);
  const inN = shapeSize(inShape);
  const offset = outShape.length - inShape.length;
  let isSuffix = offset >= 0;
  for (let i = 0; isSuffix && i < inShape.length; i++) if (inShape[i] !== outShape[offset + i]) isSuffix = false;
  if (isSuffix) return { period: Math.max(inN, 1), map: null };
  return { period: Math.max(n, 1), map: broadcastIndexMap(inShape, outShape) };
}
