import { Module } from "../nn/module.js";
import { mean, reshape } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { AttentionMemory, AttentionOutput } from "./attention.js";
import { MultiheadAttention } from "./multihead.js";

/**
 * Multi-head cross-attention for a recurrent decoder (the "multihead" score): the decoder state
 * queries the encoder outputs through torch.nn.MultiheadAttention(E = query size, kdim = vdim =
 * encoder size) (Vaswani et al. 2017 §3.2.2), so the context has the query's size E. Keys and
 * values are projected once per sentence; in the AttentionMemory they take the places of `keys`
 * (projected keys) and `prepared` (projected values), so beam search reorders them like any memory.
 * The weights reported per step are the heads' average. Parameters: mha.q_proj_weight,
 * mha.k_proj_weight, mha.v_proj_weight, mha.in_proj_bias, mha.out_proj.* (mha.in_proj_weight when
 * the encoder size equals E).
 */
export class MultiheadCrossAttention extends Module {
  readonly mha: MultiheadAttention;

  constructor(queryDim: number, keyDim: number, heads: number, rng: Rng, opts: { dropout: number; dropoutRng: Rng }) {
    super();
    this.mha = this.module("mha", new MultiheadAttention(queryDim, heads, rng, { kdim: keyDim, vdim: keyDim, dropout: opts.dropout, dropoutRng: opts.dropoutRng }));
  }

  /** Size of the context vector (= the query size). */
  get contextSize(): number {
    return this.mha.embedDim;
  }

  prepare(keys: Tensor, padMask: Uint8Array, lengths: Int32Array): AttentionMemory {
    const kv = this.mha.projectKeyValue(keys, keys);
    return { keys: kv.key, prepared: kv.value, padMask, lengths };
  }

  attend(query: Tensor, memory: AttentionMemory, _step: number): AttentionOutput {
    const [B, E] = query.shape as [number, number];
    const S = memory.keys.shape[1]!;
    const r = this.mha.attend(reshape(query, [B, 1, E]), { key: memory.keys, value: memory.prepared }, { keyPaddingMask: memory.padMask });
    return { context: reshape(r.output, [B, E]), weights: reshape(mean(r.weights, 1), [B, S]) };
  }
}
