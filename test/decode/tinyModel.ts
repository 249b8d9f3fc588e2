import { ConfigSchema } from "../../src/config/schema.js";
import type { Example } from "../../src/data/batching.js";
import { buildModel } from "../../src/models/build.js";
import type { TranslationModel } from "../../src/models/types.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam } from "../../src/optim/adam.js";
import { clipGradNorm } from "../../src/optim/clip.js";
import { fixedBatches, tinyReverseExamples } from "../models/tinyTask.js";

/** Symbols of the tiny reversal task (ids 4..4+SYMBOLS−1). */
export const SYMBOLS = 6;

const small = { encoder: { embeddingSize: 16, hiddenSize: 16 }, decoder: { embeddingSize: 16, hiddenSize: 32 }, attention: { size: 16, rank: 4 } };

/**
 * A small model trained for `steps` Adam steps on the reversal task of test/models — few
 * enough that it still makes mistakes, so greedy and beam search can disagree.
 */
export function trainedTinyModel(overrides: { encoder?: object; decoder?: object; attention?: object }, steps: number, seed = 7): TranslationModel {
  const model = ConfigSchema.parse({
    data: { train: "x" },
    model: {
      encoder: { ...small.encoder, ...overrides.encoder },
      decoder: { ...small.decoder, ...overrides.decoder },
      attention: { ...small.attention, ...overrides.attention },
    },
  }).model;
  const net = buildModel(model, { source: 4 + SYMBOLS, target: 4 + SYMBOLS }, seed);
  const batches = fixedBatches(tinyReverseExamples(160, SYMBOLS, 2, 6, 3), 16);
  const opt = new Adam(net.namedParameters(), { lr: 0.01 });
  for (let s = 0; s < steps; s++) {
    const batch = batches[s % batches.length]!;
    const loss = crossEntropy(net.forward(batch).logits, batch.tgtOut, { ignoreIndex: 0 });
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(net.parameters(), 1);
    opt.step();
  }
  return net;
}

/** Held-out sentences of mixed lengths (a different seed from training; some longer than seen). */
export function heldOut(n: number): Example[] {
  return tinyReverseExamples(n, SYMBOLS, 1, 8, 11);
}
