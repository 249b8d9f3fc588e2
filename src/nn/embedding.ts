import { gatherRows } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { normal_ } from "./init.js";
import { Module } from "./module.js";

export interface EmbeddingOptions {
  /** Row that stays zero and gets no gradient (PyTorch's padding_idx; negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * Lookup table weight [V, D] (torch.nn.Embedding): N(0, 1) init, the padding row zeroed and
 * excluded from the gradient so padding tokens never move it.
 */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, rng: Rng, opts: EmbeddingOptions = {}) {
    super();
    const p = opts.paddingIdx ?? null;
    if (p !== null && !(Number.isInteger(p) && p >= -numEmbeddings && p < numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx ${p} is out of range for ${numEmbeddings} embeddings`);
    }
    this.paddingIdx = p !== null && p < 0 ? p + numEmbeddings : p;
    this.weight = this.param("weight", normal_(Tensor.zeros([numEmbeddings, embeddingDim]), rng));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  /** ids of shape `shape` → [...shape, D]. */
  forward(ids: Int32Array, shape: readonly number[]): Tensor {
    return gatherRows(this.weight, ids, shape, this.paddingIdx);
  }
}
