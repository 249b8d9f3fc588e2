import { Module } from "../nn/module.js";
import { mean, reshape } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import type { AttentionMemory } from "./attention.js";
import { MultiheadAttention } from "./multihead.js";
import type { Normalizer } from "./normalizer.js";

/**
 * Multi-head cross-attention for a recurrent decoder (the "multihead" score): the decoder state
 * queries the encoder outputs through torch.nn.MultiheadAttention(E = query size, kdim = vdim =
 * encoder size) (Vaswani et al. 2017 §3.2.2), so the context has the query's size E. Keys and
 * values are projected once per sentence; in the AttentionMemory they take the places of `keys`
 * (projected keys) and `prepared` (projected values), and `extra` holds both split by head
 * ([B, heads, S, d]), so no step re-splits them. Like any memory they stay one row per sentence:
 * beam hypotheses attend to their sentence's row (MultiheadAttention.attendMemory).
 * The weights reported per step are the heads' average (computed only when asked for). Parameters: mha.q_proj_weight,
 * mha.k_proj_weight, mha.v_proj_weight, mha.in_proj_bias, mha.out_proj.* (mha.in_proj_weight when
 * the encoder size equals E), and mha.normalizer.* for a learned entmax α.
 */
export class MultiheadCrossAttention extends Module {
  readonly mha: MultiheadAttention;

  constructor(queryDim: number, keyDim: number, heads: number, rng: Rng, opts: { dropout: number; dropoutRng: Rng; normalizer?: Normalizer }) {
    super();
    this.mha = this.module("mha", new MultiheadAttention(queryDim, heads, rng, { kdim: keyDim, vdim: keyDim, dropout: opts.dropout, dropoutRng: opts.dropoutRng, normalizer: opts.normalizer }));
  }

  /** Size of the context vector (= the query size). */
  get contextSize(): number {
    return this.mha.embedDim;
  }

  prepare(keys: Tensor, padMask: Uint8Array, lengths: Int32Array): AttentionMemory {
    const kv = this.mha.projectKeyValue(keys, keys);
    const heads = this.mha.splitMemory(kv);
    return { keys: kv.key, prepared: kv.value, padMask, lengths, extra: [heads.key, heads.value] };
  }

  /**
   * Query [N, E] (N = G·B: row r reads sentence ⌊r / G⌋) → context [N, E] and the heads' average
   * weights [N, S] — or null weights with `weights: false` (training reads none).
   */
  attend(query: Tensor, memory: AttentionMemory, _step: number, opts: { weights?: boolean } = {}): { context: Tensor; weights: Tensor | null } {
    const [N, E] = query.shape as [number, number];
    const S = memory.keys.shape[1]!;
    const [key, value] = memory.extra ?? [];
    const heads = key && value ? { key, value } : this.mha.splitMemory({ key: memory.keys, value: memory.prepared });
    const r = this.mha.attendMemory(reshape(query, [N, 1, E]), heads, { keyPaddingMask: memory.padMask });
    return { context: reshape(r.output, [N, E]), weights: opts.weights === false ? null : reshape(mean(r.weights, 1), [N, S]) };
  }
}
