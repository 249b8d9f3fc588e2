import { BOS, EOS } from "../data/vocab.js";
import type { SourceBatch } from "../models/types.js";
import { extend, toHypothesis, type HypNode } from "./history.js";
import { inference } from "./inference.js";
import { resolveMaxLens } from "./maxLen.js";
import { selectStateRows } from "./state.js";
import { attentionRow, decodeStep, topTokens } from "./step.js";
import type { DecodableModel, GreedyOptions, Hypothesis } from "./types.js";

/**
 * Greedy decoding: at every step emit the most probable token (ties: the lower id) until </s>
 * or maxLen. All unfinished sentences step together, one row each; a sentence that has finished
 * leaves the batch (its state and memory rows are dropped), so later steps compute only the
 * others. A row's numbers never depend on the other rows, so results do not depend on batching.
 */
export function greedyDecode(model: DecodableModel, batch: SourceBatch, opts: GreedyOptions): Hypothesis[] {
  return inference(model, () => {
    const B = batch.batchSize;
    const withAttention = opts.attention ?? true;
    const maxLens = resolveMaxLens(opts.maxLen, batch.srcLengths);
    const steps = Math.max(0, ...maxLens);
    const nodes: (HypNode | null)[] = new Array<HypNode | null>(B).fill(null);
    const logProbs = new Float64Array(B);
    if (B > 0 && steps > 0) {
      let state = model.decoder.init(model.encodeBatch(batch), { steps });
      // The sentence of each state row, and the token each row feeds next.
      let active = Int32Array.from({ length: B }, (_, b) => b);
      let prev = new Int32Array(B).fill(BOS);
      for (let t = 0; t < steps && active.length > 0; t++) {
        const out = decodeStep(model, prev, state, t, withAttention);
        state = out.state;
        const kept: number[] = [];
        active.forEach((b, r) => {
          const { token, logProb } = topTokens(out.logProbs, r, out.vocab, 1)[0]!;
          logProbs[b]! += logProb;
          nodes[b] = extend(nodes[b]!, token, withAttention ? attentionRow(out.weights, r, batch.srcLengths[b]!) : null, out.pGen ? out.pGen[r]! : null);
          prev[r] = token;
          if (token !== EOS && t + 1 < maxLens[b]!) kept.push(r);
        });
        if (kept.length > 0 && kept.length < active.length) {
          // Finished sentences leave the batch (one row per sentence: the memory goes with the rows).
          const rows = Int32Array.from(kept);
          state = selectStateRows(state, rows);
          active = Int32Array.from(kept, (r) => active[r]!);
          prev = Int32Array.from(kept, (r) => prev[r]!);
        } else if (kept.length === 0) {
          active = new Int32Array(0);
        }
      }
    }
    return nodes.map((node, b) => toHypothesis(node, logProbs[b]!, logProbs[b]!));
  });
}
