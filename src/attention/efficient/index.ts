import type { Rng } from "../../tensor/rng.js";
import type { EfficientSelfAttention, SelfAttentionKind } from "./base.js";
import { LinformerSelfAttention } from "./linformer.js";
import { PerformerSelfAttention } from "./performer.js";
import { WindowSelfAttention } from "./window.js";

export { EfficientSelfAttention, SELF_ATTENTION_KINDS, type EfficientAttendOptions, type EfficientAttendResult, type SelfAttentionKind } from "./base.js";
export { LinformerSelfAttention } from "./linformer.js";
export { favorAttention, impliedFavorWeights, orthogonalGaussianFeatures, PerformerSelfAttention, positiveFeatures } from "./performer.js";
export { WindowSelfAttention } from "./window.js";
export { incrementalWork, type IncrementalAttentionState } from "./incremental.js";
export { PerformerIncrementalState } from "./performerState.js";
export { WindowIncrementalState } from "./windowState.js";

/** model.transformer.selfAttention and its parameters (config/schema.ts). */
export interface SelfAttentionSpec {
  kind: SelfAttentionKind;
  /** window: one-sided width w and global tokens g. */
  window: number;
  globalTokens: number;
  /** linformer: k, n_max, shared E = F. */
  projectedLength: number;
  maxPositions: number;
  shareKV: boolean;
  /** performer: random features m, redraw period in training passes (0 = never). */
  features: number;
  redrawEvery: number;
}

/**
 * The efficient self-attention of one layer (null for `full`, the exact softmax attention).
 * `causal` for decoder self-attention; Linformer has no causal form (the config rules refuse it).
 */
export function createSelfAttention(spec: SelfAttentionSpec | null | undefined, headDim: number, causal: boolean, rng: Rng): EfficientSelfAttention | null {
  if (!spec || spec.kind === "full") return null;
  switch (spec.kind) {
    case "window":
      return new WindowSelfAttention(spec.window, spec.globalTokens, causal);
    case "linformer":
      if (causal) throw new Error("Linformer self-attention projects along the whole sequence, so it has no causal (decoder) form");
      return new LinformerSelfAttention(spec.projectedLength, spec.maxPositions, spec.shareKV, rng.fork("linformer"));
    case "performer":
      return new PerformerSelfAttention(spec.features, headDim, spec.redrawEvery, causal, rng.fork("performer"));
  }
}
