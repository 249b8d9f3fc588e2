import { windowAttention, windowAttentionWeights } from "../../ops/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { EfficientSelfAttention, type EfficientAttendOptions, type EfficientAttendResult } from "./base.js";
import { WindowIncrementalState } from "./windowState.js";

/**
 * Longformer self-attention (Beltagy et al. 2020 §3.1): a sliding window of one-sided width w
 * plus g global tokens (the first g positions attend everywhere and are attended by all);
 * O(n·(w + g)) time and memory (banded scores, ops/windowAttention.ts). No parameters.
 */
export class WindowSelfAttention extends EfficientSelfAttention {
  readonly kind = "window" as const;
  readonly moduleName = "window";
  constructor(readonly window: number, readonly globalTokens: number, causal: boolean) {
    super(causal);
  }

  attend(q: Tensor, k: Tensor, v: Tensor, opts: EfficientAttendOptions): EfficientAttendResult {
    const r = windowAttention(q, k, v, { window: this.window, globalTokens: this.globalTokens, causal: this.causal, queryStart: opts.queryStart, keyPaddingMask: opts.keyPaddingMask, heads: opts.heads });
    return { output: r.output, impliedWeights: () => windowAttentionWeights(r) };
  }

  /** The global tokens and the last w positions only (windowState.ts): O(w + g) per decoding step. */
  override incrementalState(rows: number, heads: number, headDim: number): WindowIncrementalState | null {
    return this.causal ? new WindowIncrementalState(rows, heads, headDim, this.window, this.globalTokens) : null;
  }
}
