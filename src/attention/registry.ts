import type { Rng } from "../tensor/rng.js";
import { AdditiveScore } from "./additive.js";
import { BilinearScore } from "./bilinear.js";
import { ConcatScore } from "./concat.js";
import { DotScore } from "./dot.js";
import { GeneralScore } from "./general.js";
import { ScaledDotScore } from "./scaledDot.js";
import type { AttentionScore, ScoreOptions } from "./score.js";

/** Builds a score module for queries of size Dq and keys of size Dk. */
export type ScoreFactory = (queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng) => AttentionScore;

/**
 * Every attention score by its config name (model.attention.score). Adding a variant is one file,
 * one entry here (and the name in config/schema.ts ATTENTION_SCORES), and its tests.
 */
export const SCORE_REGISTRY: Readonly<Record<string, ScoreFactory>> = {
  additive: (q, k, o, rng) => new AdditiveScore(q, k, o, rng),
  dot: (q, k) => {
    requireEqual("dot", q, k);
    return new DotScore();
  },
  "scaled-dot": (q, k) => {
    requireEqual("scaled-dot", q, k);
    return new ScaledDotScore();
  },
  general: (q, k, _o, rng) => new GeneralScore(q, k, rng),
  bilinear: (q, k, o, rng) => new BilinearScore(q, k, o, rng),
  concat: (q, k, o, rng) => new ConcatScore(q, k, o, rng),
};

function requireEqual(kind: string, q: number, k: number): void {
  if (q !== k) throw new Error(`attention score "${kind}" needs equal query and key sizes; got ${q} and ${k}`);
}

export function createScore(kind: string, queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng): AttentionScore {
  const factory = SCORE_REGISTRY[kind];
  if (!factory) throw new Error(`unknown attention score "${kind}"; expected one of ${Object.keys(SCORE_REGISTRY).join(" | ")}`);
  return factory(queryDim, keyDim, opts, rng);
}
