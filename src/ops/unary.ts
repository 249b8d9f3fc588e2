import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import type { UnaryOpKind } from "../kernels/types.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Pointwise nonlinearities, on the unary kernels. Each backward uses the saved output where that
 * is cheaper (exp, tanh, sigmoid) and the input otherwise.
 */
function unary(op: UnaryOpKind, x: Tensor): Tensor {
  const out = Tensor.empty(x.shape); // the kernel writes every element
  const K = kernels();
  K.unaryForward(op, x.data, 0, out.data, 0, x.size);
  return record(out, [x], (g) => {
    K.unaryBackward(op, x.data, 0, out.data, 0, g, 0, gradSink(x)!, 0, g.length);
  });
}

export const exp = (x: Tensor): Tensor => unary("exp", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
/** σ(x) = 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
/** max(x, 0); the gradient at x ≤ 0 is 0. */
export const relu = (x: Tensor): Tensor => unary("relu", x);
/** Pointwise square, used by losses and norms. */
export const square = (x: Tensor): Tensor => unary("square", x);

/**
 * GELU (Hendrycks & Gimpel 2016): x·Φ(x) with the exact normal CDF (PyTorch's default), or the
 * tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) with `approximate = "tanh"`.
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  return unary(approximate === "none" ? "gelu" : "geluTanh", x);
}
