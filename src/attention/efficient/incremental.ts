import type { Tensor } from "../../tensor/tensor.js";

/**
 * What an efficient causal self-attention keeps between decoding steps instead of every earlier
 * key and value, so that a step costs what the variant costs per position: Performer's running
 * prefix sums (O(1) in the position), the window's global tokens and last w positions (O(w + g)).
 * One state per layer, rows × heads; it follows beam search's reindexing through the
 * KeyValueCache that carries it (select / reorder, like the cached keys and values).
 */
export interface IncrementalAttentionState {
  readonly rows: number;
  /** Positions consumed so far. */
  readonly length: number;
  /**
   * The next T positions of every row from a packed projection qkv [rows, T, ≥ 3E] (queries at
   * column 0, keys at E, values at 2E; head h at h·d): each new query attends causally to the
   * state and the new keys before it; those keys and values then enter the state.
   * `keyPaddingMask` [rows·(length + T)], 1 = padded key, as MultiheadAttention.step gets it.
   * Returns the heads' outputs [rows·heads, T, d] (row n·heads + h).
   */
  step(qkv: Tensor, embedDim: number, keyPaddingMask: Uint8Array | null): Tensor;
  /** A new state whose row i continues row rows[i] (repeats allowed). */
  select(rows: Int32Array): IncrementalAttentionState;
  /** In place: row i becomes the former row rows[i] (rows.length = this.rows). */
  reorder(rows: Int32Array): void;
}

/**
 * Work counters of the incremental states (tests check that a step's work does not grow with the
 * position; nothing else reads them): keys whose scores were computed (window) and feature-map
 * evaluations φ(·) of queries and keys (Performer), each per head and row.
 */
export const incrementalWork = { keyReads: 0, featureMaps: 0 };

/** Rows `rows` of a buffer of `rowSize` numbers per row, as a new buffer. */
export function gatherRowBlocks(src: Float64Array, rowSize: number, rows: Int32Array, total: number): Float64Array {
  const out = new Float64Array(rows.length * rowSize);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!(r >= 0 && r < total)) throw new Error(`incremental attention state: row ${r} out of range [0, ${total})`);
    out.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return out;
}
