import { gradSink, record } from "../autograd/tape.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Layer normalisation over the last axis (Ba, Kiros & Hinton 2016), fused:
 * y = (x − μ)/√(σ² + eps) · weight + bias, with the biased variance as in PyTorch.
 */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const D = x.shape[x.ndim - 1]!;
  if (weight.size !== D || bias.size !== D) throw shapeError("layerNorm", `weight and bias must have ${D} elements`, x.shape, weight.shape, bias.shape);
  const rows = x.size / D;
  const out = Tensor.zeros(x.shape);
  const xhat = new Float64Array(x.size);
  const rstd = new Float64Array(rows);
  const X = x.data;
  const W = weight.data;
  const Bv = bias.data;
  const O = out.data;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let mu = 0;
    for (let j = 0; j < D; j++) mu += X[o + j]!;
    mu /= D;
    let v = 0;
    for (let j = 0; j < D; j++) {
      const d = X[o + j]! - mu;
      v += d * d;
    }
    v /= D;
    const rs = 1 / Math.sqrt(v + eps);
    rstd[r] = rs;
    for (let j = 0; j < D; j++) {
      const h = (X[o + j]! - mu) * rs;
      xhat[o + j] = h;
      O[o + j] = h * W[j]! + Bv[j]!;
    }
  }
  return record(out, [x, weight, bias], (g) => {
    const gx = gradSink(x);
    const gw = gradSink(weight);
    const gb = gradSink(bias);
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let sumG = 0;
      let sumGH = 0;
      for (let j = 0; j < D; j++) {
        const gh = g[o + j]! * W[j]!;
        sumG += gh;
        sumGH += gh * xhat[o + j]!;
        if (gw) gw[j] += g[o + j]! * xhat[o + j]!;
        if (gb) gb[j] += g[o + j]!;
      }
      if (gx) {
        const rs = rstd[r]!;
        for (let j = 0; j < D; j++) {
          const gh = g[o + j]! * W[j]!;
          gx[o + j] += (rs / D) * (D * gh - sumG - xhat[o + j]! * sumGH);
        }
      }
    }
  });
}
