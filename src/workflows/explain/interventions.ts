import { BOS } from "../../data/vocab.js";
import { inference } from "../../decode/inference.js";
import { sourceBatch } from "../../decode/sourceBatch.js";
import { expandState } from "../../decode/state.js";
import { decodeStep } from "../../decode/step.js";
import type { AttentionWeightsLayout, AttentionWeightsTransform } from "../../attention/weightsTransform.js";
import type { DecoderState, TranslationModel } from "../../models/types.js";
import type { Rng } from "../../tensor/rng.js";
import { inScopedArena } from "../../tensor/storage.js";
import { type AttentionSite, withWeightsTransforms } from "./attentionSites.js";
import { readAttention, type ResolvedChoice } from "./selection.js";
import { probabilitiesOf, totalVariation } from "./tvd.js";
import { permuteWeights, recordWeights, replaceRows, uniformWeights } from "./weightOverrides.js";

/** What replacing the attention of each step did to the output distribution of that step. */
export interface InterventionSteps {
  /** Per step: the read attention vector a_t [S] (selection.ts). */
  attention: Float64Array[];
  /** Per step: TVD of the output distribution under each random permutation of the weights. */
  permutationTvd: number[][];
  /** Per step: TVD under uniform weights. */
  uniformTvd: number[];
}

/**
 * Jain & Wallace 2019 §4.2 (permuted attention) and Wiegreffe & Pinter 2019 (uniform
 * attention), one target step at a time. The decoder runs over `outputs` (teacher forcing: step
 * t reads y_{t−1}); at step t the step is re-run from the original state — the history (previous
 * states, inputs, coverage, Luong's input feeding) as in the unchanged run — with the weights of
 * the chosen attention replaced, and the output distribution compared with the unchanged step's
 * by total variation. Permutations come from `rng` in order.
 *
 * The re-runs of a step go as one batch of G = permutations + 1 rows from copies of the state
 * (row g < G − 1: permutation g; the last row: uniform weights), and are compared row by row
 * with a batch of the same shape whose weights are left alone. Row g of both is then the same
 * computation up to the weights, so a model whose output ignores the context gets exactly 0.
 */
export function attentionInterventions(model: TranslationModel, sites: readonly AttentionSite[], choice: ResolvedChoice, src: Int32Array, outputs: Int32Array, permutations: number, rng: Rng): InterventionSteps {
  const S = src.length;
  const G = permutations + 1;
  const result: InterventionSteps = { attention: [], permutationTvd: [], uniformTvd: [] };
  inference(model, () =>
    inScopedArena(() => {
      let state = model.decoder.init(model.encodeBatch(sourceBatch([src])), { steps: outputs.length });
      for (let t = 0; t < outputs.length; t++) {
        const prev = t === 0 ? BOS : outputs[t - 1]!;
        const from = state;
        // The G re-runs of step t, with `transformOf(site)` on the sites given: each row's output distribution.
        const probe = (on: readonly AttentionSite[], transformOf: (site: AttentionSite) => AttentionWeightsTransform): Float64Array[] =>
          inScopedArena(() =>
            withWeightsTransforms(on, transformOf, () => {
              const out = decodeStep(model, new Int32Array(G).fill(prev), expandState(from, G), t, false);
              return Array.from({ length: G }, (_, g) => probabilitiesOf(out.logProbs, g, out.vocab));
            }),
          );
        const recorded = new Map<number, { weights: Float64Array; layout: AttentionWeightsLayout }>();
        const unchanged = probe(sites, (site) => recordWeights((weights, layout) => recorded.set(site.layer, { weights, layout })));
        const read = recorded.get(choice.readLayer)!;
        result.attention.push(readAttention(read.weights, read.layout, choice.readHeads, S));
        const perms = Array.from({ length: permutations }, () => permuteWeights(rng.permutation(S)));
        const changed = probe(choice.changed, () => replaceRows((row, g) => (g < permutations ? perms[g]!(row) : uniformWeights(row)), choice.head));
        result.permutationTvd.push(perms.map((_, g) => totalVariation(unchanged[g]!, changed[g]!)));
        result.uniformTvd.push(totalVariation(unchanged[permutations]!, changed[permutations]!));
        state = advance(model, prev, state, t);
      }
    }),
  );
  return result;
}

/** The unchanged step t: the history the next step starts from. */
function advance(model: TranslationModel, prev: number, state: DecoderState, t: number): DecoderState {
  return decodeStep(model, Int32Array.of(prev), state, t, false).state;
}
