import type { Tensor } from "../../../tensor/tensor.js";
import { LayerNorm } from "../../../nn/layerNorm.js";
import { Module, ModuleList } from "../../../nn/module.js";

export interface TransformerStackOptions {
  /**
   * A final LayerNorm `norm` after the last layer, as nn.Transformer adds to its encoder and
   * decoder. Default: on for pre-norm layers (whose output is otherwise unnormalised), off for post-norm.
   */
  finalNorm?: boolean;
  layerNormEps?: number;
}

/**
 * Layers `layers.<i>.…` and an optional final LayerNorm `norm.*` (nn.TransformerEncoder /
 * nn.TransformerDecoder). Unlike PyTorch, which deep-copies one layer, each layer keeps its own
 * initialisation.
 */
export abstract class TransformerStack<L extends Module & { dModel: number; normFirst: boolean }> extends Module {
  readonly layers: ModuleList<L>;
  readonly norm: LayerNorm | null;

  constructor(layers: L[], opts: TransformerStackOptions = {}) {
    super();
    const first = layers[0];
    if (!first) throw new Error(`${this.constructor.name}: needs at least one layer`);
    this.layers = this.module("layers", new ModuleList(layers));
    const norm = (opts.finalNorm ?? first.normFirst) ? new LayerNorm(first.dModel, { eps: opts.layerNormEps ?? 1e-5 }) : null;
    this.norm = norm ? this.module("norm", norm) : null;
  }

  /** The final norm, when there is one. */
  protected finish(x: Tensor): Tensor {
    return this.norm ? this.norm.forward(x) : x;
  }
}
