import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { forEachWeight, initRecurrentWeights, type RecurrentWeights } from "./recurrentWeights.js";

/**
 * What GRUCell and LSTMCell share: PyTorch's RNNCellBase parameters weight_ih [G·H, I],
 * weight_hh [G·H, H], bias_ih, bias_hh [G·H] with its U(±1/√H) init, and the input check.
 */
export abstract class RecurrentCell extends Module {
  readonly weights: RecurrentWeights;

  protected constructor(gates: number, readonly inputSize: number, readonly hiddenSize: number, rng: Rng) {
    super();
    this.weights = initRecurrentWeights(gates, inputSize, hiddenSize, rng);
    forEachWeight(this.weights, "", (name, t) => this.param(name, t));
  }

  /** Throw unless x is [B, inputSize]; returns B. */
  protected checkInput(x: Tensor): number {
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) throw shapeError(this.constructor.name, `expected x [B, ${this.inputSize}]`, x.shape);
    return x.shape[0]!;
  }
}
