import type { TranslationModel } from "../../models/types.js";
import type { Rng } from "../../tensor/rng.js";
import type { AttentionSite } from "./attentionSites.js";
import { gradientTimesInput } from "./gradInput.js";
import { attentionInterventions } from "./interventions.js";
import { kendallTauB } from "./kendall.js";
import { leaveOneOut } from "./leaveOneOut.js";
import type { ResolvedChoice } from "./selection.js";
import { maximum, median } from "./statistics.js";

/** Every number explain computes for one target step; vectors are over the source positions (</s> last). */
export interface StepNumbers {
  /** Target step t (0-based): the step that emits y_t. */
  step: number;
  /** The read attention a_t. */
  attention: number[];
  /** TVD of the output distribution under each permutation of the weights, their median and max. */
  permutationTvd: { median: number; max: number; values: number[] };
  /** TVD under uniform weights. */
  uniformTvd: number;
  /** |Σ_d g_jd x_jd| per source position (gradInput.ts). */
  gradInput: number[];
  /** Leave-one-out TVD per source position (leaveOneOut.ts). */
  leaveOneOut: number[];
  /** Kendall τ-b of the attention with each importance vector. */
  tau: { gradInput: number; leaveOneOut: number };
}

/** What explain needs besides the sentence: where the attention is, which to change and read, how many permutations. */
export interface ExplainSetup {
  sites: readonly AttentionSite[];
  choice: ResolvedChoice;
  permutations: number;
}

/**
 * The checks of Jain & Wallace 2019 and Wiegreffe & Pinter 2019 on one sentence (source ids with
 * </s> last), teacher-forced on `outputs` (the emitted tokens, </s> included when finished): per
 * step, the permutation and uniform-attention TVDs and the rank agreement of the attention with
 * gradient × input and leave-one-out importance. Permutations are drawn from `rng` in order.
 */
export function explainSentence(model: TranslationModel, setup: ExplainSetup, src: Int32Array, outputs: Int32Array, rng: Rng): StepNumbers[] {
  const runs = attentionInterventions(model, setup.sites, setup.choice, src, outputs, setup.permutations, rng);
  const grads = gradientTimesInput(model, src, outputs);
  const loo = leaveOneOut(model, src, outputs);
  return runs.attention.map((a, t) => {
    const values = runs.permutationTvd[t]!;
    return {
      step: t,
      attention: Array.from(a),
      permutationTvd: { median: median(values), max: maximum(values), values },
      uniformTvd: runs.uniformTvd[t]!,
      gradInput: Array.from(grads[t]!),
      leaveOneOut: Array.from(loo[t]!),
      tau: { gradInput: kendallTauB(a, grads[t]!), leaveOneOut: kendallTauB(a, loo[t]!) },
    };
  });
}
