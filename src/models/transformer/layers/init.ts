import type { Rng } from "../../../tensor/rng.js";
import { xavierUniform_ } from "../../../nn/init.js";
import type { Module } from "../../../nn/module.js";

/**
 * nn.Transformer's _reset_parameters: Xavier uniform (Glorot & Bengio 2010) on every parameter
 * with more than one dimension (projections, feed-forward, and any position tables inside),
 * leaving biases and LayerNorms alone. Returns the module.
 */
export function xavierInitMatrices<M extends Module>(module: M, rng: Rng): M {
  for (const [, p] of module.namedParameters()) if (p.ndim > 1) xavierUniform_(p, rng);
  return module;
}
