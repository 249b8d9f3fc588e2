import type { Rng } from "../../../tensor/rng.js";
import { gatherRows, reshape } from "../../../ops/index.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { TransformerDecoderLayer, type DecoderLayerCache, type DecoderLayerForwardOptions, type DecoderStepOptions } from "./decoderLayer.js";
import type { TransformerLayerOptions } from "./options.js";
import { TransformerStack, type TransformerStackOptions } from "./stack.js";

export interface DecoderStackOutput {
  /** [B, T, E]. */
  output: Tensor;
  /** Per layer: self-attention weights [B, heads, T, T] (step: [B, heads, T, t+T]). */
  selfWeights: Tensor[];
  /** Per layer: cross-attention weights [B, heads, T, S]. */
  crossWeights: Tensor[];
}

/** Per-layer caches of incremental decoding (self: per row, extended in place; cross: per sentence). */
export interface TransformerDecoderState {
  layers: DecoderLayerCache[];
}

export interface DecoderStackStep extends DecoderStackOutput {
  state: TransformerDecoderState;
}

/**
 * A stack of decoder layers (nn.TransformerDecoder): parameters `layers.<i>.…` and, with
 * finalNorm, `norm.*`. forward() runs whole target sequences (training, forced decoding);
 * initialState() + step() decode incrementally with key/value caches.
 */
export class TransformerDecoder extends TransformerStack<TransformerDecoderLayer> {
  /** numLayers fresh layers with the same settings. */
  static create(numLayers: number, dModel: number, nHead: number, dimFF: number, rng: Rng, opts: TransformerLayerOptions & TransformerStackOptions = {}): TransformerDecoder {
    const layers = Array.from({ length: numLayers }, () => new TransformerDecoderLayer(dModel, nHead, dimFF, rng, opts));
    return new TransformerDecoder(layers, opts);
  }

  /** tgt [B, T, E], memory [B, S, E] → output [B, T, E] and the weights of every attention. */
  forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): DecoderStackOutput {
    let x = tgt;
    const selfWeights: Tensor[] = [];
    const crossWeights: Tensor[] = [];
    for (const layer of this.layers) {
      const r = layer.forward(x, memory, opts);
      x = r.output;
      selfWeights.push(r.selfWeights);
      crossWeights.push(r.crossWeights);
    }
    return { output: this.finish(x), selfWeights, crossWeights };
  }

  /**
   * Empty self-attention caches for the B rows of memory [B, S, E], preallocated for `capacity`
   * positions, and every layer's projected memory, once per sentence.
   */
  initialState(memory: Tensor, capacity = 0): TransformerDecoderState {
    const B = memory.shape[0]!;
    return { layers: [...this.layers].map((l) => ({ self: l.selfAttn.emptyCache(B, capacity), cross: l.precompute(memory) })) };
  }

  /** Every layer's cross-attention keys/values of memory [B, S, E], split by head, once per sentence. */
  precompute(memory: Tensor): DecoderLayerCache["cross"][] {
    return [...this.layers].map((l) => l.precompute(memory));
  }

  /**
   * x [N, T, E] (the next T target positions, usually 1, positions already added) → output and
   * the state, whose self-attention caches are extended in place. Inference only (noGrad).
   */
  step(x: Tensor, state: TransformerDecoderState, opts: DecoderStepOptions = {}): DecoderStackStep {
    if (state.layers.length !== this.layers.length) throw new Error(`TransformerDecoder.step: state has ${state.layers.length} layers, the decoder ${this.layers.length}`);
    const selfWeights: Tensor[] = [];
    const crossWeights: Tensor[] = [];
    const caches: DecoderLayerCache[] = [];
    let i = 0;
    for (const layer of this.layers) {
      const r = layer.step(x, state.layers[i++]!, opts);
      x = r.output;
      selfWeights.push(r.selfWeights);
      crossWeights.push(r.crossWeights);
      caches.push(r.cache);
    }
    return { output: this.finish(x), selfWeights, crossWeights, state: { layers: caches } };
  }
}

/**
 * The state of rows `rows` (any order, repeats allowed) when every row is its own sentence (no
 * beam grouping): row i of the result continues row rows[i], self-attention caches copied and the
 * per-sentence cross-attention keys/values gathered alike.
 */
export function selectDecoderStateRows(state: TransformerDecoderState, rows: Int32Array): TransformerDecoderState {
  return {
    layers: state.layers.map((l) => ({
      self: l.self.select(rows),
      cross: { key: gatherFirstAxis(l.cross.key, rows), value: gatherFirstAxis(l.cross.value, rows) },
    })),
  };
}

function gatherFirstAxis(x: Tensor, rows: Int32Array): Tensor {
  const n = x.shape[0]!;
  const rest = x.shape.slice(1);
  return reshape(gatherRows(reshape(x, [n, n === 0 ? 0 : x.size / n]), rows, [rows.length]), [rows.length, ...rest]);
}
