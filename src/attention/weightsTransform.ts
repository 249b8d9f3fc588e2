import type { Tensor } from "../tensor/tensor.js";

/**
 * Where an attention's weights sit among its rows: [B·heads, rowsPerHead, S], row r in head
 * ⌊r / rowsPerHead⌋ mod heads (single-head attention: heads = 1, one row per query).
 */
export interface AttentionWeightsLayout {
  heads: number;
  rowsPerHead: number;
}

/**
 * Replaces an attention's weights in the middle of a forward pass, after the normaliser and
 * before the values are averaged: the context (and whatever reads the weights later in the step)
 * uses what it returns, a tensor of the same shape. For counterfactual analyses of attention
 * (`attn explain`: Jain & Wallace 2019's permuted attention, Wiegreffe & Pinter 2019's uniform
 * baseline); an attention without one (the default) computes exactly what it always has.
 */
export type AttentionWeightsTransform = (weights: Tensor, layout: AttentionWeightsLayout) => Tensor;
