import { uniformTensor } from "../nn/init.js";
import { Module } from "../nn/module.js";
import { add, type CrossEntropyOptions, matmul, outputLayerLoss } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The projection to vocabulary logits, torch.nn.Linear(F, V)'s layout (`weight` [V, F], `bias`
 * [V]). With tied embeddings (Press & Wolf 2017) it reuses the target embedding matrix and owns
 * only its bias, so the shared tensor appears once in the parameter list.
 */
export class OutputLayer extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(readonly inFeatures: number, vocabSize: number, rng: Rng, tiedWeight: Tensor | null = null) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    if (tiedWeight) {
      if (tiedWeight.ndim !== 2 || tiedWeight.shape[0] !== vocabSize || tiedWeight.shape[1] !== inFeatures) {
        throw shapeError("OutputLayer", `tied weight must be [${vocabSize}, ${inFeatures}] (embedding size = output features)`, tiedWeight.shape);
      }
      this.weight = tiedWeight;
    } else {
      this.weight = this.param("weight", uniformTensor([vocabSize, inFeatures], rng, bound));
    }
    this.bias = this.param("bias", uniformTensor([vocabSize], rng, bound));
  }

  /** [..., F] → [..., V]. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) throw shapeError("OutputLayer", `expected ${this.inFeatures} features`, x.shape);
    return add(matmul(x, this.weight, { transB: true }), this.bias);
  }

  /**
   * crossEntropy(forward(x), targets, opts) for x [..., F] and one target per row, fused
   * (ops/outputLoss.ts): padding rows are skipped and the logits never outlive the loss.
   */
  loss(x: Tensor, targets: Int32Array, opts: CrossEntropyOptions): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) throw shapeError("OutputLayer", `expected ${this.inFeatures} features`, x.shape);
    return outputLayerLoss(x, this.weight, this.bias, targets, opts);
  }
}
