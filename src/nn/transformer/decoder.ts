import type { Rng } from "../../tensor/rng.js";
import type { Tensor } from "../../tensor/tensor.js";
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

/** Per-layer caches of incremental decoding. */
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

  /** Empty self-attention caches [B, 0, E] and every layer's projected memory, once per sentence. */
  initialState(memory: Tensor): TransformerDecoderState {
    const B = memory.shape[0]!;
    return { layers: [...this.layers].map((l) => ({ self: l.selfAttn.emptyCache(B), cross: l.precompute(memory) })) };
  }

  /** x [B, T, E] (the next T target positions, usually 1, positions already added) → output and the extended state. */
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
 * The state as a flat list of batch-first tensors, 4 per layer (self key, self value, cross key,
 * cross value), for DecoderState.cache (beam search reorders its rows).
 */
export function decoderStateTensors(state: TransformerDecoderState): Tensor[] {
  return state.layers.flatMap((l) => {
    if (!l.self) throw new Error("decoderStateTensors: a layer has no self-attention cache (start from initialState)");
    return [l.self.key, l.self.value, l.cross.key, l.cross.value];
  });
}

/** The inverse of decoderStateTensors. */
export function decoderStateFromTensors(tensors: readonly Tensor[]): TransformerDecoderState {
  if (tensors.length % 4 !== 0) throw new Error(`decoderStateFromTensors: expected 4 tensors per layer, got ${tensors.length}`);
  const layers: DecoderLayerCache[] = [];
  for (let i = 0; i < tensors.length; i += 4) {
    layers.push({ self: { key: tensors[i]!, value: tensors[i + 1]! }, cross: { key: tensors[i + 2]!, value: tensors[i + 3]! } });
  }
  return { layers };
}
