/**
 * Row bookkeeping of a batched decoder state. Beam search (Sutskever et al. 2014 §3.1; Wu et al.
 * 2016 §7) runs B sentences × K beams as one batch of B·K rows, row b·K + k. A state has two
 * kinds of rows (DecoderState): per-hypothesis rows (h, c, feed, coverage, cache), moved whenever beams are
 * re-ranked, and per-sentence rows (the attention memory), computed once and never copied per
 * hypothesis — row r of the hypotheses reads sentence ⌊r / G⌋ of the memory (G rows per
 * sentence). These helpers move the first kind and leave or gather the second.
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

/** The memory of sentences `rows` (every per-sentence tensor gathered alike). */
export function selectMemoryRows(m: AttentionMemory, rows: Int32Array): AttentionMemory {
  const S = m.keys.shape[1]!;
  return {
    keys: selectTensorRows(m.keys, rows),
    prepared: selectTensorRows(m.prepared, rows),
    padMask: selectArrayRows(m.padMask, S, rows),
    lengths: selectArrayRows(m.lengths, 1, rows),
    ...(m.extra ? { extra: m.extra.map((t) => selectTensorRows(t, rows)) } : {}),
    ...(m.copy ? { copy: { ids: selectArrayRows(m.copy.ids, S, rows), size: m.copy.size } } : {}),
  };
}

export interface SelectOptions {
  /**
   * Also gather the attention memory by the same rows (default true), for a state with one row
   * per sentence. Pass false to keep the memory as it is: re-ranking or repeating rows within
   * sentences, whose hypotheses share their sentence's memory row.
   */
  memory?: boolean;
}

/**
 * The state of rows `rows` (any order, repeats allowed): row i of the result is row rows[i]. The
 * result is independent of `state` (caches are copied, not reordered in place).
 */
export function selectStateRows(state: DecoderState, rows: Int32Array, opts: SelectOptions = {}): DecoderState {
  return {
    h: state.h.map((t) => selectTensorRows(t, rows)),
    c: state.c ? state.c.map((t) => selectTensorRows(t, rows)) : null,
    feed: state.feed ? selectTensorRows(state.feed, rows) : null,
    memory: state.memory && (opts.memory ?? true) ? selectMemoryRows(state.memory, rows) : state.memory,
    ...(state.coverage ? { coverage: selectTensorRows(state.coverage, rows) } : {}),
    ...(state.cache ? { cache: state.cache.select(rows) } : {}),
  };
}

/**
 * The state for the next beam step: row i continues hypothesis row rows[i] (rows stay within
 * their sentence), and with `sentences` only those sentences' memory rows are kept (finished
 * sentences leave the batch; `rows` then lists the kept sentences' rows only). Without
 * `sentences` and with an unchanged row count, the caches are reordered in place (only rows that
 * change are copied) — `state` must not be used afterwards.
 */
export function nextStepState(state: DecoderState, rows: Int32Array, sentences: Int32Array | null = null): DecoderState {
  const memory = state.memory && sentences ? selectMemoryRows(state.memory, sentences) : state.memory;
  const inPlace = !sentences && rows.length === stateRows(state);
  if (inPlace && isIdentity(rows)) return state;
  return {
    h: state.h.map((t) => selectTensorRows(t, rows)),
    c: state.c ? state.c.map((t) => selectTensorRows(t, rows)) : null,
    feed: state.feed ? selectTensorRows(state.feed, rows) : null,
    memory,
    ...(state.coverage ? { coverage: selectTensorRows(state.coverage, rows) } : {}),
    ...(state.cache ? { cache: inPlace ? state.cache.reorder(rows) : state.cache.select(rows) } : {}),
  };
}

function isIdentity(rows: Int32Array): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}

/** Rows (hypotheses) in a state: from the hidden state, else the cache, else the attention memory. */
export function stateRows(state: DecoderState): number {
  if (state.h[0]) return state.h[0].shape[0]!;
  if (state.cache) return state.cache.rows;
  if (state.memory) return state.memory.keys.shape[0]!;
  throw new Error("decoder state has no tensors to count rows from");
}

/** Indices [0×K, 1×K, …]: each of `n` rows repeated `k` times, consecutively. */
export function repeatIndices(n: number, k: number): Int32Array {
  const rows = new Int32Array(n * k);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.floor(i / k);
  return rows;
}

/**
 * Each hypothesis row repeated K times: N rows → N·K rows, row n·K + k from row n. The memory
 * keeps its one row per sentence (the rows per sentence grow K-fold).
 */
export function expandState(state: DecoderState, k: number): DecoderState {
  return selectStateRows(state, repeatIndices(stateRows(state), k), { memory: false });
}
