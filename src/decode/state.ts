/**
 * Row bookkeeping of a batched decoder state. Beam search (Sutskever et al. 2014 §3.1; Wu et al.
 * 2016 §7) runs B sentences × K beams as one batch of B·K rows, row b·K + k; these helpers
 * repeat each sentence's row K times at the start and re-gather rows when beams are re-ranked.
 */
import type { AttentionMemory } from "../attention/attention.js";
import type { DecoderState } from "../models/types.js";
import { gatherRows, reshape } from "../ops/index.js";
import type { Tensor } from "../tensor/tensor.js";

/** Rows `rows` of a tensor whose first axis is the batch: [N, ...] → [rows.length, ...]. */
export function selectTensorRows(x: Tensor, rows: Int32Array): Tensor {
  const n = x.shape[0]!;
  const rest = x.shape.slice(1);
  const width = n === 0 ? 0 : x.size / n;
  return reshape(gatherRows(reshape(x, [n, width]), rows, [rows.length]), [rows.length, ...rest]);
}

/** Rows of a flat per-row array of `width` entries each (padding masks [N·S], lengths [N]). */
export function selectArrayRows<A extends Uint8Array | Int32Array>(x: A, width: number, rows: Int32Array): A {
  const out = new (x.constructor as new (n: number) => A)(rows.length * width);
  rows.forEach((r, i) => out.set(x.subarray(r * width, r * width + width), i * width));
  return out;
}

function selectMemoryRows(m: AttentionMemory, rows: Int32Array): AttentionMemory {
  const S = m.keys.shape[1]!;
  return {
    keys: selectTensorRows(m.keys, rows),
    prepared: selectTensorRows(m.prepared, rows),
    padMask: selectArrayRows(m.padMask, S, rows),
    lengths: selectArrayRows(m.lengths, 1, rows),
  };
}

export interface SelectOptions {
  /**
   * Also gather the attention memory. Beam re-ranking only moves rows within a sentence's K
   * rows, which share one source, so it can skip the copy; expansion must not.
   */
  memory?: boolean;
}

/** The state of rows `rows` (any order, repeats allowed): row i of the result is row rows[i]. */
export function selectStateRows(state: DecoderState, rows: Int32Array, opts: SelectOptions = {}): DecoderState {
  return {
    h: state.h.map((t) => selectTensorRows(t, rows)),
    c: state.c ? state.c.map((t) => selectTensorRows(t, rows)) : null,
    feed: state.feed ? selectTensorRows(state.feed, rows) : null,
    memory: state.memory && (opts.memory ?? true) ? selectMemoryRows(state.memory, rows) : state.memory,
    ...(state.cache ? { cache: state.cache.map((t) => selectTensorRows(t, rows)) } : {}),
  };
}

/** Rows in a state: from the hidden state, else the cache, else the attention memory. */
export function stateRows(state: DecoderState): number {
  const t = state.h[0] ?? state.cache?.[0] ?? state.memory?.keys;
  if (!t) throw new Error("decoder state has no tensors to count rows from");
  return t.shape[0]!;
}

/** Indices [0×K, 1×K, …]: each of `n` rows repeated `k` times, consecutively. */
export function repeatIndices(n: number, k: number): Int32Array {
  const rows = new Int32Array(n * k);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.floor(i / k);
  return rows;
}

/** Each sentence's state repeated K times: B rows → B·K rows, row b·K + k from row b. */
export function expandState(state: DecoderState, k: number): DecoderState {
  return selectStateRows(state, repeatIndices(stateRows(state), k));
}
