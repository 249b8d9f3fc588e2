import type { Rng } from "../tensor/rng.js";
import type { Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * PyTorch's default initialisations (torch.nn.init and each module's reset_parameters), drawn
 * from an explicit Rng so that a seed fixes every weight. Values are drawn in row-major order.
 */

/** Fill `t` in place with U(low, high). */
export function uniform_(t: Tensor, rng: Rng, low: number, high: number): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(low, high);
  return t;
}

/** Fill `t` in place with N(mean, std²). */
export function normal_(t: Tensor, rng: Rng, mean = 0, std = 1): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  return t;
}

/** A new tensor drawn from U(−bound, bound). */
export function uniformTensor(shape: Shape, rng: Rng, bound: number): Tensor {
  return uniform_(Tensor.zeros(shape), rng, -bound, bound);
}

/** (fan_in, fan_out) of a weight [out, in, ...receptive field], as torch.nn.init computes them. */
export function fans(shape: Shape): [number, number] {
  if (shape.length < 2) throw new Error(`fans: need a weight with at least 2 dimensions, got [${shape.join(", ")}]`);
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * Kaiming/He uniform (He et al. 2015), leaky-ReLU gain √(2/(1+a²)), fan_in mode:
 * bound = gain·√(3/fan_in). PyTorch's Linear uses a = √5, which reduces the bound to 1/√fan_in.
 */
export function kaimingUniform_(t: Tensor, rng: Rng, a = 0): Tensor {
  const [fanIn] = fans(t.shape);
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = fanIn > 0 ? gain * Math.sqrt(3 / fanIn) : 0;
  return uniform_(t, rng, -bound, bound);
}

/** Xavier/Glorot uniform (Glorot & Bengio 2010): bound = gain·√(6/(fan_in + fan_out)); the Transformer's init. */
export function xavierUniform_(t: Tensor, rng: Rng, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, rng, -bound, bound);
}

/** The bound 1/√n of PyTorch's Linear bias and of every RNN parameter (n = fan_in or hidden size); 0 when n = 0. */
export function inverseSqrtBound(n: number): number {
  return n > 0 ? 1 / Math.sqrt(n) : 0;
}
