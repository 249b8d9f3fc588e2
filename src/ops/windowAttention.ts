import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { windowAttentionDense, windowLayout, type WindowGeometry } from "../kernels/js/windowAttention.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export interface WindowAttentionOptions {
  /** One-sided window width w ≥ 0. */
  window: number;
  /** The first g positions attend everywhere and are attended by all (default 0). */
  globalTokens?: number;
  /** Decoder self-attention: never attend a later key (default false). */
  causal?: boolean;
  /** Absolute position of the first query among the keys (default S − T). */
  queryStart?: number;
  /** [B·S], 1 = padded key; N = B·heads rows, row n of sentence ⌊n / heads⌋. */
  keyPaddingMask?: Uint8Array | null;
  heads?: number;
}

export interface WindowAttentionResult {
  /** [N, T, dv]. */
  output: Tensor;
  /** The banded weights (windowLayout: g + 2w + 1 slots per ordinary query, S per global one). */
  probs: Tensor;
  geometry: WindowGeometry;
}

/**
 * Longformer attention (Beltagy et al. 2020 §3.1): softmax(q_i·k_j/√d) over the keys j with
 * |i − j| ≤ w (j ≤ i when causal) and the g global keys, global queries over all keys; O(n·(w + g))
 * time and memory — the scores are kept banded [N, T, g + 2w + 1], never [N, T, S].
 * q [N, T, d], k [N, S, d], v [N, S, dv].
 */
export function windowAttention(q: Tensor, k: Tensor, v: Tensor, opts: WindowAttentionOptions): WindowAttentionResult {
  if (q.ndim !== 3 || k.ndim !== 3 || v.ndim !== 3 || k.shape[0] !== q.shape[0] || v.shape[0] !== q.shape[0] || k.shape[1] !== v.shape[1] || k.shape[2] !== q.shape[2]) {
    throw shapeError("windowAttention", "expected q [N,T,d], k [N,S,d], v [N,S,dv]", q.shape, k.shape, v.shape);
  }
  const [N, T, d] = q.shape as [number, number, number];
  const S = k.shape[1]!;
  const dv = v.shape[2]!;
  const w = opts.window;
  const g = opts.globalTokens ?? 0;
  if (!(Number.isInteger(w) && w >= 0) || !(Number.isInteger(g) && g >= 0)) throw new Error(`windowAttention: window ${w} and globalTokens ${g} must be non-negative integers`);
  const heads = opts.heads ?? 1;
  if (opts.keyPaddingMask && opts.keyPaddingMask.length * heads !== N * S) throw new Error(`windowAttention: keyPaddingMask has ${opts.keyPaddingMask.length} entries, expected ${N / heads}×${S}`);
  const geometry: WindowGeometry = { N, T, S, d, dv, window: w, global: g, causal: opts.causal ?? false, queryStart: opts.queryStart ?? S - T, heads, scale: 1 / Math.sqrt(d) };
  const { rowSize, band } = windowLayout(geometry);
  const probs = Tensor.zeros([N, rowSize]);
  const output = Tensor.zeros([N, T, dv]);
  const K = kernels();
  const mask = opts.keyPaddingMask ?? null;
  K.windowAttentionForward(q.data, k.data, v.data, mask, probs.data, output.data, geometry);
  record(output, [q, k, v], (gOut) => {
    const scratch = new Float64Array(Math.max(band, S));
    K.windowAttentionBackward(gOut, q.data, k.data, v.data, probs.data, gradSink(q), gradSink(k), gradSink(v), scratch, geometry);
  });
  return { output, probs, geometry };
}

/** The implied dense weights [N, T, S] of a windowAttention result: O(n²), for attention dumps only. */
export function windowAttentionWeights(r: WindowAttentionResult): Tensor {
  const { N, T, S } = r.geometry;
  const dense = Tensor.zeros([N, T, S]);
  windowAttentionDense(r.probs.data, dense.data, r.geometry);
  return dense;
}
