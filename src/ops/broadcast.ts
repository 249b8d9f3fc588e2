import type { OperandLayout } from "../kernels/types.js";
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
      idx[ax]!++;
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

/**
 * How a binary kernel reads both operands over an output viewed as rows × cols, for the broadcasts
 * the kernels cover (types.ts, `OperandLayout`); null means a general broadcast (index maps).
 */
export interface BroadcastPlan {
  rows: number;
  cols: number;
  a: OperandLayout;
  b: OperandLayout;
}

/**
 * One operand against the output: "full" (same number of elements), constant over a trailing
 * block of `block` elements (its shape is a prefix of the output's followed by ones: [B, 1] over
 * [B, H], a scalar over anything), or a "suffix" repeating with period `period` ([H] or [1, H]
 * over [N, H]).
 */
type Fit = { kind: "full" } | { kind: "block"; block: number } | { kind: "suffix"; period: number } | null;

function fit(inShape: Shape, outShape: Shape, n: number): Fit {
  const inN = shapeSize(inShape);
  if (inN === n) return { kind: "full" };
  const offset = outShape.length - inShape.length;
  if (offset < 0) return null;
  // Prefix + ones: in[k] = out[offset + k] up to some axis j, then only ones.
  let j = 0;
  while (j < inShape.length && inShape[j] === outShape[offset + j]) j++;
  let onesAfter = true;
  for (let k = j; k < inShape.length; k++) if (inShape[k] !== 1) onesAfter = false;
  // Axes the input lacks count as leading ones, so they must be ones in the output too (or the
  // input is all ones: a scalar).
  let leadOnes = true;
  for (let k = 0; k < offset; k++) if (outShape[k] !== 1) leadOnes = false;
  if (onesAfter && (leadOnes || inN === 1)) return { kind: "block", block: n / inN };
  // Suffix after dropping leading ones.
  let lead = 0;
  while (lead < inShape.length && inShape[lead] === 1) lead++;
  const rest = inShape.length - lead;
  for (let k = 0; k < rest; k++) if (inShape[lead + k] !== outShape[outShape.length - rest + k]) return null;
  return { kind: "suffix", period: inN };
}

export function broadcastPlan(aShape: Shape, bShape: Shape, outShape: Shape): BroadcastPlan | null {
  const n = shapeSize(outShape);
  if (n === 0) return { rows: 0, cols: 0, a: "full", b: "full" };
  const fa = fit(aShape, outShape, n);
  const fb = fit(bShape, outShape, n);
  if (!fa || !fb) return null;
  if (fa.kind === "full" && fb.kind === "full") return { rows: 1, cols: n, a: "full", b: "full" };
  // The period of the pattern along the output: a suffix's length, or a block's length.
  const colsOf = (x: Fit) => (x!.kind === "suffix" ? x!.period : x!.kind === "block" ? x!.block : 0);
  const layoutOf = (x: Fit): OperandLayout => (x!.kind === "full" ? "full" : x!.kind === "suffix" ? "row" : "col");
  let cols: number;
  if (fa.kind === "full") cols = colsOf(fb);
  else if (fb.kind === "full") cols = colsOf(fa);
  else if (fa.kind !== fb.kind && colsOf(fa) === colsOf(fb)) cols = colsOf(fa);
  else return null;
  if (!(cols > 0) || n % cols !== 0) return null;
  return { rows: n / cols, cols, a: layoutOf(fa), b: layoutOf(fb) };
}
