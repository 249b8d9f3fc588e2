import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import type { BinaryOpKind } from "../kernels/types.js";
import { Tensor } from "../tensor/tensor.js";
import { broadcastIndex, broadcastPlan, broadcastShapes } from "./broadcast.js";

/**
 * Elementwise binary ops with NumPy broadcasting (e.g. [B,T,H] + [H], [B,H] * [B,1]).
 * Same shapes, a suffix broadcast (a bias over rows) and a per-row value (constant along the
 * trailing axes) run in the binary kernels; backward sums the gradient over broadcast axes there
 * too. Any other broadcast uses per-element index maps here (rare: no model path needs one).
 */
function binary(kind: BinaryOpKind, a: Tensor, b: Tensor): Tensor {
  const outShape = broadcastShapes(kind, a.shape, b.shape);
  const out = Tensor.empty(outShape); // every element written below
  const plan = broadcastPlan(a.shape, b.shape, outShape);
  if (!plan) return binaryGeneral(kind, a, b, out);
  const { rows, cols, a: la, b: lb } = plan;
  const K = kernels();
  const A = a.data;
  const B = b.data;
  K.binaryForward(kind, A, 0, la, B, 0, lb, out.data, 0, rows, cols);
  return record(out, [a, b], (g) => {
    const ga = gradSink(a);
    const gb = gradSink(b);
    // One operand at a time, so a ∘ a (ga === gb) accumulates both contributions.
    if (ga) K.binaryBackward(kind, 0, g, 0, A, 0, la, B, 0, lb, ga, 0, rows, cols);
    if (gb) K.binaryBackward(kind, 1, g, 0, A, 0, la, B, 0, lb, gb, 0, rows, cols);
  });
}

/** Any broadcast, through per-element index maps (the fallback of `binary`). */
function binaryGeneral(kind: BinaryOpKind, a: Tensor, b: Tensor, out: Tensor): Tensor {
  const outShape = out.shape;
  const { period: pa, map: ma } = broadcastIndex(a.shape, outShape);
  const { period: pb, map: mb } = broadcastIndex(b.shape, outShape);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  const n = O.length;
  // One loop per kind (no branch on the kind per element); input indices are i mod period, or
  // the map for general broadcasts.
  switch (kind) {
    case "add":
      for (let i = 0; i < n; i++) O[i] = A[ma ? ma[i]! : i % pa]! + B[mb ? mb[i]! : i % pb]!;
      break;
    case "sub":
      for (let i = 0; i < n; i++) O[i] = A[ma ? ma[i]! : i % pa]! - B[mb ? mb[i]! : i % pb]!;
      break;
    case "mul":
      for (let i = 0; i < n; i++) O[i] = A[ma ? ma[i]! : i % pa]! * B[mb ? mb[i]! : i % pb]!;
      break;
    case "div":
      for (let i = 0; i < n; i++) O[i] = A[ma ? ma[i]! : i % pa]! / B[mb ? mb[i]! : i % pb]!;
      break;
  }
  return record(out, [a, b], (g) => {
    const ga = gradSink(a);
    const gb = gradSink(b);
    // d(a ∘ b)/da and /db per element; the sign of sub's b-gradient is folded into sgnB.
    if (kind === "add" || kind === "sub") {
      const sgnB = kind === "add" ? 1 : -1;
      if (ga) for (let i = 0; i < n; i++) ga[ma ? ma[i]! : i % pa]! += g[i]!;
      if (gb) for (let i = 0; i < n; i++) gb[mb ? mb[i]! : i % pb]! += sgnB * g[i]!;
    } else if (kind === "mul") {
      if (ga) for (let i = 0; i < n; i++) ga[ma ? ma[i]! : i % pa]! += g[i]! * B[mb ? mb[i]! : i % pb]!;
      if (gb) for (let i = 0; i < n; i++) gb[mb ? mb[i]! : i % pb]! += g[i]! * A[ma ? ma[i]! : i % pa]!;
    } else {
      for (let i = 0; i < n; i++) {
        const ia = ma ? ma[i]! : i % pa;
        const ib = mb ? mb[i]! : i % pb;
        const bv = B[ib]!;
        if (ga) ga[ia]! += g[i]! / bv;
        if (gb) gb[ib]! -= (g[i]! * A[ia]!) / (bv * bv);
      }
    }
  });
}

export const add = (a: Tensor, b: Tensor): Tensor => binary("add", a, b);
export const sub = (a: Tensor, b: Tensor): Tensor => binary("sub", a, b);
export const mul = (a: Tensor, b: Tensor): Tensor => binary("mul", a, b);
export const div = (a: Tensor, b: Tensor): Tensor => binary("div", a, b);

/** x * scale + shift, elementwise with scalars. */
export function affine(x: Tensor, scale: number, shift: number): Tensor {
  const out = Tensor.empty(x.shape); // the kernel writes every element
  const K = kernels();
  K.affine(x.data, 0, out.data, 0, x.size, scale, shift);
  return record(out, [x], (g) => {
    K.axpy(g.length, scale, g, 0, gradSink(x)!, 0);
  });
}

export const addScalar = (x: Tensor, s: number): Tensor => affine(x, 1, s);
export const mulScalar = (x: Tensor, s: number): Tensor => affine(x, s, 0);
export const neg = (x: Tensor): Tensor => affine(x, -1, 0);

/** Sum of several same-shape tensors in one pass (residual connections, gate sums). */
export function addN(xs: Tensor[]): Tensor {
  if (xs.length === 0) throw new Error("addN: needs at least one tensor");
  const first = xs[0]!;
  for (const x of xs) {
    if (x.size !== first.size || x.ndim !== first.ndim || x.shape.some((d, i) => d !== first.shape[i])) {
      throw new Error(`addN: all shapes must match, got [${first.shape.join(", ")}] and [${x.shape.join(", ")}]`);
    }
  }
  const out = Tensor.zeros(first.shape);
  const O = out.data;
  const K = kernels();
  // out = ((0 + x0) + x1) + …, one pass per input.
  for (const x of xs) K.axpy(O.length, 1, x.data, 0, O, 0);
  return record(out, xs, (g) => {
    for (const x of xs) {
      const gx = gradSink(x);
      if (gx) K.axpy(g.length, 1, g, 0, gx, 0);
    }
  });
}
