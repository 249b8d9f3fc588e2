import { BOS, EOS } from "../data/vocab.js";
import type { SourceBatch } from "../models/types.js";
import { extend, toHypothesis, type HypNode } from "./history.js";
import { inference } from "./inference.js";
import { resolveMaxLens } from "./maxLen.js";
import { attentionRow, decodeStep, topTokens } from "./step.js";
import type { DecodableModel, GreedyOptions, Hypothesis } from "./types.js";

/**
 * Greedy decoding: at every step emit the most probable token (ties: the lower id) until </s>
 * or maxLen. All sentences of the batch step together; a finished row stays in the batch (it is
 * fed its last token again and its outputs are ignored), so rows never move.
 */
export function greedyDecode(model: DecodableModel, batch: SourceBatch, opts: GreedyOptions): Hypothesis[] {
  return inference(model, () => {
    const B = batch.batchSize;
    const maxLens = resolveMaxLens(opts.maxLen, batch.srcLengths);
    const steps = Math.max(0, ...maxLens);
    let state = model.decoder.init(model.encodeBatch(batch));
    const prev = new Int32Array(B).fill(BOS);
    const nodes: (HypNode | null)[] = new Array<HypNode | null>(B).fill(null);
    const logProbs = new Float64Array(B);
    const done = new Uint8Array(B);
    let open = B;
    for (let t = 0; t < steps && open > 0; t++) {
      const out = decodeStep(model, prev, state, t);
      state = out.state;
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const { token, logProb } = topTokens(out.logProbs, b, out.vocab, 1)[0]!;
        logProbs[b] += logProb;
        nodes[b] = extend(nodes[b]!, token, attentionRow(out.weights, b, batch.srcLengths[b]!));
        prev[b] = token;
        if (token === EOS || t + 1 >= maxLens[b]!) {
          done[b] = 1;
          open--;
        }
      }
    }
    return nodes.map((node, b) => toHypothesis(node, logProbs[b]!, logProbs[b]!));
  });
}
