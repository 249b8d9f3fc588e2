import type { StepNumbers } from "./explainSentence.js";
import { fractionAbove, maximum, median } from "./statistics.js";

/** explain's numbers over many steps (of one sentence, or of the whole input). */
export interface ExplainSummary {
  steps: number;
  /** Median over steps of each step's median permutation TVD, and the largest TVD of any permutation. */
  permutationTvd: { median: number; max: number };
  uniformTvd: { median: number };
  /** Median over steps of the largest attention weight (Jain & Wallace 2019 stratify by it: a peaked attention that can be permuted freely matters most). */
  maxAttention: { median: number };
  /** Median τ-b over steps and the share of steps where attention and the measure agree more than chance (τ > 0). */
  tauGradInput: { median: number; positive: number };
  tauLeaveOneOut: { median: number; positive: number };
}

export function summarize(steps: readonly StepNumbers[]): ExplainSummary {
  const tauG = steps.map((s) => s.tau.gradInput);
  const tauL = steps.map((s) => s.tau.leaveOneOut);
  return {
    steps: steps.length,
    permutationTvd: { median: median(steps.map((s) => s.permutationTvd.median)), max: maximum(steps.map((s) => s.permutationTvd.max)) },
    uniformTvd: { median: median(steps.map((s) => s.uniformTvd)) },
    maxAttention: { median: median(steps.map((s) => maximum(s.attention))) },
    tauGradInput: { median: median(tauG), positive: fractionAbove(tauG, 0) },
    tauLeaveOneOut: { median: median(tauL), positive: fractionAbove(tauL, 0) },
  };
}
