import type { ModelConfig } from "./schema.js";

/**
 * How long a sequence a model of this config can take. Only learned absolute positions have a
 * limit — a table of `model.transformer.maxPositions` rows; sinusoidal positions are defined
 * at every position, relative and t5 ones clip or bucket the distance, rotary angles and ALiBi
 * biases are functions of any position or distance, and recurrent models have no positions.
 *
 * With P = maxPositions rows:
 *  - a source of n tokens is read with its </s>: n + 1 ≤ P;
 *  - a target of n tokens is fed as <s> w1 … wn (teacher forcing): n + 1 ≤ P;
 *  - decoding step t feeds position t (step 0 feeds <s>), so decoding.maxLen steps (</s>
 *    included) need decoding.maxLen ≤ P.
 */
export interface PositionLimit {
  /** maxPositions, the rows of the learned tables. */
  positions: number;
  /** Most tokens a source or target sentence may have (</s> and <s> not counted): P − 1. */
  sentenceTokens: number;
  /** Most decoder steps (decoding.maxLen, --max-len): P. */
  decodingSteps: number;
  /** "linformer" when Linformer's projections E, F ∈ R^{k×maxPositions} set the limit (absent: learned positions). */
  source?: "linformer";
}

/** The limit of a model config, or null when any length works. */
export function positionLimit(model: ModelConfig): PositionLimit | null {
  if (model.encoder.type !== "transformer") return null;
  // Linformer projects the keys along at most maxPositions positions (Wang et al. 2020 eq. 7).
  const linformer = model.transformer.selfAttention === "linformer";
  if (model.transformer.positions !== "learned" && !linformer) return null;
  const P = model.transformer.maxPositions;
  const limit: PositionLimit = { positions: P, sentenceTokens: P - 1, decodingSteps: P };
  if (model.transformer.positions !== "learned") limit.source = "linformer";
  return limit;
}

/** "learned positions (model.transformer.maxPositions 16)": the reason named in messages. */
export function describeLimit(limit: PositionLimit): string {
  return `${limit.source === "linformer" ? "Linformer self-attention" : "learned positions"}, model.transformer.maxPositions ${limit.positions}`;
}
