import type { DecodableModel } from "../../src/decode/types.js";
import type { SourceBatch } from "../../src/models/types.js";
import type { DecoderState, EncodedBatch, StepResult } from "../../src/models/types.js";
import { matmul, softmax } from "../../src/ops/index.js";
import { Tensor } from "../../src/tensor/tensor.js";

/**
 * A decoder whose next-token distribution is a fixed table P(next | previous token) — a bigram
 * model that ignores the source — so beam-search results can be worked out by hand. Attention
 * is uniform over each sentence's real source positions.
 */
export const A = 4;
export const B = 5;
export const C = 6;
export const V = 7;

/** Unlisted tokens (specials included) get this weight before normalisation. */
const EPS = 1e-6;

export type Table = Record<number, Record<number, number>>;

/** log P(next | prev) after normalising the table row over the whole vocabulary. */
export function logP(table: Table, prev: number, next: number): number {
  const row = table[prev] ?? {};
  let z = 0;
  for (let v = 0; v < V; v++) z += row[v] ?? EPS;
  return Math.log((row[next] ?? EPS) / z);
}

/** Sum of log P over <s> tokens… </s> (closed = true) or <s> tokens… (cut at maxLen). */
export function seqLogP(table: Table, tokens: number[], closed = true): number {
  const seq = [1, ...tokens, ...(closed ? [2] : [])];
  let s = 0;
  for (let i = 1; i < seq.length; i++) s += logP(table, seq[i - 1]!, seq[i]!);
  return s;
}

export function tableModel(table: Table): DecodableModel {
  const logTable = Tensor.zeros([V, V]);
  for (let p = 0; p < V; p++) for (let n = 0; n < V; n++) logTable.data[p * V + n] = Math.log((table[p]?.[n] ?? EPS));
  const model = {
    training: true,
    train(on = true) {
      model.training = on;
      return model;
    },
    encodeBatch(batch: SourceBatch): EncodedBatch {
      const outputs = Tensor.zeros([batch.batchSize, batch.srcLen, 1]);
      return { outputs, finalH: [Tensor.zeros([batch.batchSize, 1])], finalC: null, padMask: batch.srcMask, lengths: batch.srcLengths };
    },
    decoder: {
      init(enc: EncodedBatch): DecoderState {
        const memory = { keys: enc.outputs, prepared: enc.outputs, padMask: enc.padMask, lengths: enc.lengths };
        return { h: [enc.finalH[0]!], c: null, feed: null, memory };
      },
      embed(ids: Int32Array): Tensor {
        const x = Tensor.zeros([ids.length, V]);
        ids.forEach((id, i) => (x.data[i * V + id] = 1));
        return x;
      },
      step(emb: Tensor, state: DecoderState): StepResult {
        const [N, S] = state.memory!.keys.shape as [number, number];
        return { features: emb, state, weights: softmax(Tensor.zeros([N, S]), state.memory!.padMask) };
      },
      logits(features: Tensor): Tensor {
        return matmul(features, logTable);
      },
    },
  };
  return model;
}
