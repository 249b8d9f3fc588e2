import { noGrad } from "../../autograd/tape.js";
import type { Embedding } from "../../nn/embedding.js";
import { Seq2Seq } from "../../models/seq2seq.js";
import { TransformerSeq2Seq } from "../../models/transformer/transformerSeq2Seq.js";
import type { TranslationModel } from "../../models/types.js";
import { crossEntropy } from "../../ops/index.js";
import { inScopedArena } from "../../tensor/storage.js";
import { Tensor } from "../../tensor/tensor.js";
import { forcedBatch } from "./forcedBatch.js";

/**
 * Gradient × input importance of each source token for each target step (Jain & Wallace 2019
 * §4.1 use the gradient; Wiegreffe & Pinter 2019 and the saliency literature multiply by the input
 * — Shrikumar et al. 2017): with x_j the embedding row the encoder looks up for source position j
 * (before a Transformer's √d scale and positions; the scale cancels in g·x) and
 * g_j = ∂ log p(y_t) / ∂x_j, importance_j = |Σ_d g_jd x_jd|, the first-order change of log p(y_t)
 * when x_j is scaled away. Teacher-forced on `outputs` (step t predicts y_t), in eval mode
 * (no dropout). Returns one vector [S] per step.
 */
export function gradientTimesInput(model: TranslationModel, src: Int32Array, outputs: Int32Array): Float64Array[] {
  const embedding = sourceEmbedding(model);
  const S = src.length;
  const wasTraining = model.training;
  const params = model.parameters();
  const needed = params.map((p) => p.requiresGrad);
  model.train(false);
  // Only the gradient of the source embeddings is wanted: no parameter records one.
  for (const p of params) p.requiresGrad = false;
  try {
    return Array.from({ length: outputs.length }, (_, t) =>
      inScopedArena(() => {
        const batch = forcedBatch(src, outputs, t + 1);
        const x = noGrad(() => embedding.forward(batch.src, [1, S]));
        const leaf = new Tensor(x.data, x.shape, true);
        const logits = withSourceEmbeddings(embedding, batch.src, leaf, () => model.forward(batch).logits);
        // −log p(y_t): the cross-entropy of row t alone (the other rows' targets are ignored).
        const targets = new Int32Array(t + 1).fill(-1);
        targets[t] = outputs[t]!;
        crossEntropy(logits, targets, { ignoreIndex: -1, reduction: "sum" }).backward();
        const g = leaf.grad!;
        const E = x.shape[2]!;
        return Float64Array.from({ length: S }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < E; d++) dot += g[j * E + d]! * x.data[j * E + d]!;
          return Math.abs(dot);
        });
      }),
    );
  } finally {
    params.forEach((p, i) => (p.requiresGrad = needed[i]!));
    model.train(wasTraining);
  }
}

/** The embedding table the encoder reads the source through. */
export function sourceEmbedding(model: TranslationModel): Embedding {
  if (model instanceof Seq2Seq) return model.encoder.embedding;
  if (model instanceof TransformerSeq2Seq) return model.srcEmbed;
  throw new Error("explain: unknown model family (no source embedding)");
}

/**
 * Run `fn` with the source lookup of `embedding` answering `leaf` — the embeddings themselves as a
 * leaf of the tape, so backward() leaves ∂/∂x_j in leaf.grad — then restore the table's own lookup.
 */
function withSourceEmbeddings<T>(embedding: Embedding, ids: Int32Array, leaf: Tensor, fn: () => T): T {
  embedding.forward = (asked: Int32Array) => {
    if (asked !== ids) throw new Error("explain: the source embedding was asked for other ids than the sentence's");
    return leaf;
  };
  try {
    return fn();
  } finally {
    delete (embedding as { forward?: unknown }).forward;
  }
}
