import type { FloatArray } from "../tensor/dtype.js";

/**
 * The hot loops of attn, as plain functions over flat float arrays with explicit sizes and
 * offsets. Autograd and models never loop over elements themselves; they call these. A faster
 * implementation (WebAssembly SIMD, worker threads) replaces an implementation of this
 * interface via `setKernels`, nothing else.
 *
 * Conventions: all matrices are row-major; `*Off` are element offsets into the arrays (for
 * batched calls on one buffer); outputs are written (or added to, where `accumulate` is true).
 */
export interface Kernels {
  readonly name: string;

  /**
   * C[m×n] = op(A)·op(B) (or C += … when `accumulate`), with op(A) m×k and op(B) k×n.
   * A is stored m×k, or k×m when `transA`; B is stored k×n, or n×k when `transB`.
   */
  matmul(
    a: FloatArray, aOff: number,
    b: FloatArray, bOff: number,
    c: FloatArray, cOff: number,
    m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean,
  ): void;

  /**
   * Row-wise softmax of x[rows×cols] into out. `mask` (same length as x, 1 = masked out) gives
   * masked positions exactly 0; a fully masked row becomes all zeros, never NaN.
   */
  softmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** Row-wise log-softmax; masked positions get -Infinity (so a fully masked row is all -Infinity). */
  logSoftmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** dx += y ⊙ (dy − Σ_j y_j dy_j) per row, the softmax backward given its output y. */
  softmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void;

  /** dx += dy − exp(y) Σ_j dy_j per row, the log-softmax backward given its output y (entries where y = -Infinity, i.e. masked, get no gradient). */
  logSoftmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void;

  /**
   * Fused GRU cell update (PyTorch gate order r, z, n):
   *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h.
   * gi, gh: [B×3H] (input and hidden projections including biases); h, hOut: [B×H].
   * `cache` [B×3H] receives (r, z, n) for the backward pass.
   */
  gruCellForward(gi: FloatArray, gh: FloatArray, h: FloatArray, hOut: FloatArray, cache: FloatArray, batch: number, hidden: number): void;

  /**
   * Backward of gruCellForward given dh' and the cache; accumulates into dgi, dgh, dh (each may be null).
   */
  gruCellBackward(
    dhOut: FloatArray, cache: FloatArray, gh: FloatArray, h: FloatArray,
    dgi: FloatArray | null, dgh: FloatArray | null, dh: FloatArray | null,
    batch: number, hidden: number,
  ): void;

  /**
   * Fused LSTM cell update (PyTorch gate order i, f, g, o) on the summed gate pre-activations
   * gates [B×4H] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh:
   *   c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),  h' = σ(o) ⊙ tanh(c').
   * Output `hc` [B×2H] holds h' in columns 0..H-1 and c' in columns H..2H-1 of each row.
   * `cache` [B×5H] receives (i, f, g, o, tanh c') for the backward pass.
   */
  lstmCellForward(gates: FloatArray, c: FloatArray, hc: FloatArray, cache: FloatArray, batch: number, hidden: number): void;

  /** Backward of lstmCellForward given dhc [B×2H]; accumulates into dgates and dc (either may be null). */
  lstmCellBackward(
    dhc: FloatArray, cache: FloatArray, c: FloatArray,
    dgates: FloatArray | null, dc: FloatArray | null,
    batch: number, hidden: number,
  ): void;
}
