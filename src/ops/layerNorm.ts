import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Layer normalisation over the last axis (Ba, Kiros & Hinton 2016), fused:
 * y = (x − μ)/√(σ² + eps) · weight + bias, with the biased variance as in PyTorch. Saves only the
 * per-row mean and 1/√(σ² + eps) for the backward, which recomputes x̂ from x
 * (`Kernels.layerNormForward` / `layerNormBackward`).
 */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const D = x.shape[x.ndim - 1]!;
  if (weight.size !== D || bias.size !== D) throw shapeError("layerNorm", `weight and bias must have ${D} elements`, x.shape, weight.shape, bias.shape);
  const rows = D === 0 ? 0 : x.size / D;
  const out = Tensor.empty(x.shape); // every row normalised by the kernel
  const mean = allocFloat(rows);
  const rstd = allocFloat(rows);
  kernels().layerNormForward(x.data, weight.data, bias.data, out.data, mean, rstd, rows, D, eps);
  return record(out, [x, weight, bias], (g) => {
    kernels().layerNormBackward(g, x.data, mean, rstd, weight.data, gradSink(x), gradSink(weight), gradSink(bias), rows, D);
  });
}
