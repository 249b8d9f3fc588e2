import { kernels } from "../kernels/index.js";
import { allocFloat, type FloatArray } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { IncrementalAttentionState } from "./efficient/incremental.js";

/**
 * The self-attention keys and values of the positions a decoder has produced so far, for
 * incremental decoding (MultiheadAttention.step).
 *
 * Storage is preallocated for `capacity` positions and kept split by head: keys and values are
 * each [rows, heads, capacity, headDim], so block (n, h) — head h of row n — holds positions
 * 0 … length−1 contiguously. A step writes its new positions into the free slots and attends to
 * every block where it lies; nothing is concatenated or re-split per step. When a step needs
 * more than the capacity, the storage doubles (so `capacity` is a hint, not a limit).
 *
 * Appending is in place: a cache is stepped from once. To branch (beam search), select() rows
 * into a new cache or reorder() them in place. Buffers come from the active arena (allocFloat),
 * so a decoding batch's caches live in kernel memory and are released with the batch.
 *
 * An efficient causal self-attention (window, Performer) keeps an `incremental` state instead
 * (efficient/incremental.ts): then no key or value is stored, `advance` only counts positions,
 * and select / reorder carry the state's rows exactly as they would the keys and values.
 */
export class KeyValueCache {
  private keys: FloatArray | null = null;
  private values: FloatArray | null = null;
  private cap: number;
  /** Positions filled so far. */
  length = 0;
  /** The efficient attention's own decoding state, in place of the keys and values (null: exact attention). */
  incremental: IncrementalAttentionState | null = null;

  constructor(readonly rows: number, readonly heads: number, readonly headDim: number, capacity = 0) {
    this.cap = Math.max(0, Math.floor(capacity));
  }

  /** Positions the storage holds before it has to grow. */
  get capacity(): number {
    return this.cap;
  }

  /** Element offset of block (row n, head h), whose position p starts at offset + p·headDim. */
  private block(n: number, h: number): number {
    return (n * this.heads + h) * this.cap * this.headDim;
  }

  /** Make room for `needed` positions, keeping the filled ones. */
  private reserve(needed: number): void {
    if (this.keys && needed <= this.cap) return;
    const cap = Math.max(needed, this.keys ? 2 * this.cap : this.cap, 1);
    const old = this.keys ? { keys: this.keys, values: this.values!, cap: this.cap } : null;
    const size = this.rows * this.heads * cap * this.headDim;
    this.keys = allocFloat(size);
    this.values = allocFloat(size);
    this.cap = cap;
    if (old && this.length > 0) {
      const used = this.length * this.headDim;
      for (let b = 0; b < this.rows * this.heads; b++) {
        const from = b * old.cap * this.headDim;
        const to = b * cap * this.headDim;
        this.keys.set(old.keys.subarray(from, from + used), to);
        this.values.set(old.values.subarray(from, from + used), to);
      }
    }
  }

  /**
   * Append T positions per row from a packed projection `x` [rows, T, width]: head h's key of
   * (n, t) is x[n, t, keyCol + h·d … keyCol + (h+1)·d), its value likewise from valueCol.
   */
  append(x: Tensor, keyCol: number, valueCol: number): void {
    const [N, T, W] = x.shape as [number, number, number];
    const E = this.heads * this.headDim;
    if (x.ndim !== 3 || N !== this.rows || keyCol + E > W || valueCol + E > W) {
      throw shapeError("KeyValueCache.append", `expected [${this.rows}, T, ≥ ${E}] with keys at ${keyCol} and values at ${valueCol}`, x.shape);
    }
    this.reserve(this.length + T);
    const d = this.headDim;
    const src = x.data;
    const keys = this.keys!;
    const values = this.values!;
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T; t++) {
        const row = (n * T + t) * W;
        for (let h = 0; h < this.heads; h++) {
          copy(src, row + keyCol + h * d, keys, this.block(n, h) + (this.length + t) * d, d);
          copy(src, row + valueCol + h * d, values, this.block(n, h) + (this.length + t) * d, d);
        }
      }
    }
    this.length += T;
  }

  /** Count T positions that went into the `incremental` state (nothing stored here). */
  advance(T: number): void {
    if (this.keys) throw new Error("KeyValueCache.advance: this cache stores keys and values; use append()");
    this.length += T;
  }

  /**
   * Scores of queries q [rows·heads, T, d] (row n·heads + h) against every cached key of their
   * block: [rows·heads, T, length], q·kᵀ (unscaled), one matmul per block read in place.
   */
  scores(q: Tensor): Tensor {
    const [NH, T, d] = q.shape as [number, number, number];
    if (q.ndim !== 3 || NH !== this.rows * this.heads || d !== this.headDim) throw shapeError("KeyValueCache.scores", `expected q [${this.rows * this.heads}, T, ${this.headDim}]`, q.shape);
    const L = this.length;
    const out = Tensor.zeros([NH, T, L]);
    if (L === 0 || T === 0) return out;
    const K = kernels();
    for (let b = 0; b < NH; b++) K.matmul(q.data, b * T * d, this.keys!, b * this.cap * d, out.data, b * T * L, T, L, d, false, true, false);
    return out;
  }

  /** Weighted sums of the cached values: weights [rows·heads, T, length] → [rows·heads, T, d]. */
  context(weights: Tensor): Tensor {
    const [NH, T, L] = weights.shape as [number, number, number];
    if (weights.ndim !== 3 || NH !== this.rows * this.heads || L !== this.length) throw shapeError("KeyValueCache.context", `expected weights [${this.rows * this.heads}, T, ${this.length}]`, weights.shape);
    const d = this.headDim;
    const out = Tensor.zeros([NH, T, d]);
    if (L === 0 || T === 0) return out;
    const K = kernels();
    for (let b = 0; b < NH; b++) K.matmul(weights.data, b * T * L, this.values!, b * this.cap * d, out.data, b * T * d, T, d, L, false, false, false);
    return out;
  }

  /** Keys or values of the filled positions as a dense [rows, heads, length, d] tensor (a copy; for tests and dumps). */
  read(which: "keys" | "values"): Tensor {
    const d = this.headDim;
    const out = Tensor.zeros([this.rows, this.heads, this.length, d]);
    const src = which === "keys" ? this.keys : this.values;
    if (!src) return out;
    for (let b = 0; b < this.rows * this.heads; b++) out.data.set(src.subarray(b * this.cap * d, b * this.cap * d + this.length * d), b * this.length * d);
    return out;
  }

  /** A new cache whose row i holds row rows[i] of this one (filled positions copied; same capacity). */
  select(rows: Int32Array): KeyValueCache {
    const out = new KeyValueCache(rows.length, this.heads, this.headDim, this.cap);
    out.length = this.length;
    out.incremental = this.incremental?.select(rows) ?? null;
    if (this.length === 0 || !this.keys) return out;
    out.reserve(this.length);
    const used = this.length * this.headDim;
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i]!;
      this.checkRow(src);
      for (let h = 0; h < this.heads; h++) {
        copy(this.keys, this.block(src, h), out.keys!, out.block(i, h), used);
        copy(this.values!, this.block(src, h), out.values!, out.block(i, h), used);
      }
    }
    return out;
  }

  /**
   * Reorder rows in place: row i becomes the former row rows[i] (rows.length = this.rows,
   * repeats allowed). Only rows that change are copied (beam search mostly keeps its rows).
   */
  reorder(rows: Int32Array): this {
    if (rows.length !== this.rows) throw new Error(`KeyValueCache.reorder: ${rows.length} rows for a cache of ${this.rows}; use select()`);
    this.incremental?.reorder(rows);
    if (this.length === 0 || !this.keys) return this;
    // Save every source row a moved row reads (slot[src] = its place in the scratch), then write:
    // a source may itself be overwritten.
    const slot = new Int32Array(this.rows).fill(-1);
    let saves = 0;
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i]!;
      this.checkRow(src);
      if (src !== i && slot[src] === -1) slot[src] = saves++;
    }
    if (saves === 0) return this;
    const used = this.length * this.headDim;
    const perRow = this.heads * used;
    const saved = this.scratchFor(saves * perRow);
    for (let src = 0; src < this.rows; src++) {
      const k = slot[src]!;
      if (k < 0) continue;
      for (let h = 0; h < this.heads; h++) {
        copy(this.keys, this.block(src, h), saved.keys, k * perRow + h * used, used);
        copy(this.values!, this.block(src, h), saved.values, k * perRow + h * used, used);
      }
    }
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === i) continue;
      const k = slot[rows[i]!]!;
      for (let h = 0; h < this.heads; h++) {
        copy(saved.keys, k * perRow + h * used, this.keys, this.block(i, h), used);
        copy(saved.values, k * perRow + h * used, this.values!, this.block(i, h), used);
      }
    }
    return this;
  }

  /** Reusable JS-heap scratch for reorder() (a step's temporary copy need not live in the arena). */
  private scratch: { keys: FloatArray; values: FloatArray } | null = null;

  private scratchFor(n: number): { keys: FloatArray; values: FloatArray } {
    if (!this.scratch || this.scratch.keys.length < n) {
      const Ctor = this.keys instanceof Float64Array ? Float64Array : Float32Array;
      const size = Math.max(n, 2 * (this.scratch?.keys.length ?? 0));
      this.scratch = { keys: new Ctor(size), values: new Ctor(size) };
    }
    return this.scratch;
  }

  private checkRow(r: number): void {
    if (!(r >= 0 && r < this.rows)) throw new Error(`KeyValueCache: row ${r} out of range [0, ${this.rows})`);
  }
}

/** dst[to … to+n) = src[from … from+n) (a plain loop: these runs are short, a subarray view per run would cost more). */
function copy(src: FloatArray, from: number, dst: FloatArray, to: number, n: number): void {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}
