import { Module } from "../../nn/module.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { IncrementalAttentionState } from "./incremental.js";

/** The self-attention of a Transformer layer: exact (`full`) or one of the efficient approximations. */
export const SELF_ATTENTION_KINDS = ["full", "window", "linformer", "performer"] as const;
export type SelfAttentionKind = (typeof SELF_ATTENTION_KINDS)[number];

export interface EfficientAttendOptions {
  /** Sentences B; the rows of q, k, v are N = B·heads (row b·heads + h). */
  batch: number;
  heads: number;
  /** [B·S], 1 = padded key. */
  keyPaddingMask: Uint8Array | null;
  /** Key position of the first query (S − T for self-attention; the cache length when stepping). */
  queryStart: number;
}

export interface EfficientAttendResult {
  /** [N, T, dv]. */
  output: Tensor;
  /**
   * The attention matrix the approximation implies, [N, T, S], built on demand: O(n²) time and
   * memory, for attention dumps and evaluation only (training never calls it).
   */
  impliedWeights(): Tensor;
}

/**
 * An efficient replacement of softmax(QKᵀ/√d)V on per-head queries q [N, T, d] and keys / values
 * [N, S, d] (already projected and split by head). `causal` variants serve decoder
 * self-attention: query i never reads a key after position queryStart + i.
 */
export abstract class EfficientSelfAttention extends Module {
  abstract readonly kind: Exclude<SelfAttentionKind, "full">;
  /** The submodule name inside self_attn (checkpoint names self_attn.<name>.…). */
  abstract readonly moduleName: string;
  constructor(readonly causal: boolean) {
    super();
  }
  abstract attend(q: Tensor, k: Tensor, v: Tensor, opts: EfficientAttendOptions): EfficientAttendResult;

  /**
   * The state step-by-step decoding keeps instead of every earlier key and value, so a step costs
   * what the variant costs per position (incremental.ts); null: MultiheadAttention.step attends
   * over the whole key/value cache each step (the non-causal variants, never stepped).
   */
  incrementalState(_rows: number, _heads: number, _headDim: number): IncrementalAttentionState | null {
    return null;
  }
}
