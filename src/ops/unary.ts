import { gradSink, record } from "../autograd/tape.js";
import { Tensor } from "../tensor/tensor.js";
import { erf } from "./erf.js";

/**
 * Pointwise nonlinearities. Each backward uses the saved output where that is cheaper
 * (exp, tanh, sigmoid) and the input otherwise.
 */
export function exp(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  for (let i = 0; i < Y.length; i++) Y[i] = Math.exp(X[i]!);
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) gx[i] += g[i]! * Y[i]!;
  });
}

export function log(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  for (let i = 0; i < Y.length; i++) Y[i] = Math.log(X[i]!);
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) gx[i] += g[i]! / X[i]!;
  });
}

export function tanh(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  for (let i = 0; i < Y.length; i++) Y[i] = Math.tanh(X[i]!);
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) {
      const y = Y[i]!;
      gx[i] += g[i]! * (1 - y * y);
    }
  });
}

export function sigmoid(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  for (let i = 0; i < Y.length; i++) Y[i] = 1 / (1 + Math.exp(-X[i]!));
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) {
      const y = Y[i]!;
      gx[i] += g[i]! * y * (1 - y);
    }
  });
}

export function relu(x: Tensor): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  for (let i = 0; i < Y.length; i++) Y[i] = X[i]! > 0 ? X[i]! : 0;
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let i = 0; i < g.length; i++) if (X[i]! > 0) gx[i] += g[i]!;
  });
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU (Hendrycks & Gimpel 2016): x·Φ(x) with the exact normal CDF (PyTorch's default), or the
 * tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) with `approximate = "tanh"`.
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  const out = Tensor.zeros(x.shape);
  const X = x.data;
  const Y = out.data;
  if (approximate === "none") {
    for (let i = 0; i < Y.length; i++) {
      const v = X[i]!;
      Y[i] = 0.5 * v * (1 + erf(v * SQRT1_2));
    }
  } else {
    for (let i = 0; i < Y.length; i++) {
      const v = X[i]!;
      Y[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
  }
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    if (approximate === "none") {
      for (let i = 0; i < g.length; i++) {
        const v = X[i]!;
        const cdf = 0.5 * (1 + erf(v * SQRT1_2));
        const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
        gx[i] += g[i]! * (cdf + v * pdf);
      }
    } else {
      for (let i = 0; i < g.length; i++) {
        const v = X[i]!;
        const u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
        const t = Math.tanh(u);
        const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
        gx[i] += g[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
      }
    }
  });
}
