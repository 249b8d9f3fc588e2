import type { FloatArray } from "../tensor/dtype.js";
import type { WindowGeometry } from "./js/windowAttention.js";

/** Binary elementwise ops of `Kernels.binaryForward`. */
export type BinaryOpKind = "add" | "sub" | "mul" | "div";
/** How an operand of a binary kernel is read over a rows × cols output (see `Kernels.binaryForward`). */
export type OperandLayout = "full" | "row" | "col";
/**
 * Unary ops of `Kernels.unaryForward`: exp, log, tanh, sigmoid (1/(1+e^−x)), relu, gelu
 * (x·Φ(x), exact erf), geluTanh (the tanh approximation), square (x²).
 */
export type UnaryOpKind = "exp" | "log" | "tanh" | "sigmoid" | "relu" | "gelu" | "geluTanh" | "square";

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
   * masked positions exactly 0; a fully masked row becomes all zeros, never NaN. Determinism
   * contract (also for logSoftmaxRows and both backwards): a row's bits depend only on its own
   * values, and masked columns appended to a row (padding) do not change the bits of the others,
   * so a sentence gets the same attention weights in a batch of 1 and in a padded batch.
   */
  softmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** Row-wise log-softmax; masked positions get -Infinity (so a fully masked row is all -Infinity). */
  logSoftmaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** dx += y ⊙ (dy − Σ_j y_j dy_j) per row, the softmax backward given its output y. */
  softmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void;

  /** dx += dy − exp(y) Σ_j dy_j per row, the log-softmax backward given its output y (entries where y = -Infinity, i.e. masked, get no gradient). */
  logSoftmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number): void;

  // ---- Sparse normalisers and top-k selection (js/entmax.ts; the wasm sets: wasm/c/entmax.c,
  // float64 per row like the reference). Same contract as softmaxRows: masked entries exactly 0,
  // a fully masked row all zeros, a row's bits depend only on its own unmasked values. Weights
  // below the smallest normal float32 are written as exact zeros. α is given per row as alpha[⌊r / rowsPerAlpha⌋ mod
  // alpha.length] (one α per attention head; a single α when alpha.length = 1).

  /** Sparsemax of each row (Martins & Astudillo 2016), exact by sorting. */
  sparsemaxRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** 1.5-entmax of each row (Peters et al. 2019), exact by sorting. */
  entmax15Rows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null): void;

  /** α-entmax of each row by bisection on the threshold (α > 1; Peters et al. 2019). */
  entmaxBisectRows(x: FloatArray, out: FloatArray, rows: number, cols: number, mask: Uint8Array | null, alpha: FloatArray, rowsPerAlpha: number): void;

  /** dx += s ⊙ dy − s (s·dy)/Σs per row with s = y^{2−α} on the support (y > 0): the α-entmax backward given its output y. */
  entmaxBackwardRows(y: FloatArray, dy: FloatArray, dx: FloatArray, rows: number, cols: number, alpha: FloatArray, rowsPerAlpha: number): void;

  /** dAlpha[head of row r] += Σ_i dy_i ∂y_i/∂α for each row in order (Correia et al. 2019, appendix A). */
  entmaxAlphaBackwardRows(y: FloatArray, dy: FloatArray, dAlpha: FloatArray, rows: number, cols: number, alpha: FloatArray, rowsPerAlpha: number): void;

  /**
   * out = mask ∪ {entries outside the k largest unmasked values of their row} (1 = masked); ties
   * at the k-th value keep the lowest indices. A null mask masks nothing.
   */
  topKMaskRows(x: FloatArray, mask: Uint8Array | null, out: Uint8Array, rows: number, cols: number, k: number): void;

  // ---- Positions in attention (js/positions.ts; every set uses the TypeScript kernels).

  /**
   * Rotary embedding (Su et al. 2021) of x [rows, T, F]: each pair (2p, 2p+1) of the first
   * `features` features, in chunks of headDim, rotated by the angle whose cosine and sine are
   * cos/sin[t·headDim/2 + p]; the other features copied.
   */
  rotaryForward(x: FloatArray, out: FloatArray, rows: number, T: number, F: number, headDim: number, features: number, cos: Float64Array, sin: Float64Array): void;

  // ---- Efficient attention (js/windowAttention.ts, js/performer.ts; the wasm sets run
  // wasm/c/window.c and wasm/c/performer.c).

  /** Banded sliding-window + global-token attention (Longformer): probs in windowLayout, out [N, T, dv]. */
  windowAttentionForward(q: FloatArray, k: FloatArray, v: FloatArray, keyMask: Uint8Array | null, probs: FloatArray, out: FloatArray, geo: WindowGeometry): void;

  /** Backward of windowAttentionForward, accumulating into dq, dk, dv (null: not needed); scratch ≥ the widest row. */
  windowAttentionBackward(gOut: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray, dq: FloatArray | null, dk: FloatArray | null, dv: FloatArray | null, scratch: Float64Array, geo: WindowGeometry): void;

  /** Causal FAVOR+ (Performer) by prefix sums: out [N, T, dv], den [N, T]; state ≥ m·dv + m. */
  performerCausalForward(fq: FloatArray, fk: FloatArray, v: FloatArray, out: FloatArray, den: FloatArray, N: number, T: number, S: number, m: number, dv: number, state: Float64Array): void;

  /** Backward of performerCausalForward, accumulating into dfq, dfk, dv (null: not needed); gs ≥ dv + 1. */
  performerCausalBackward(gOut: FloatArray, fq: FloatArray, fk: FloatArray, v: FloatArray, out: FloatArray, den: FloatArray, dfq: FloatArray | null, dfk: FloatArray | null, dv: FloatArray | null, N: number, T: number, S: number, m: number, valueDim: number, state: Float64Array, gs: Float64Array): void;

  /** dx += Rᵀ g, the backward of rotaryForward. */
  rotaryBackward(g: FloatArray, dx: FloatArray, rows: number, T: number, F: number, headDim: number, features: number, cos: Float64Array, sin: Float64Array): void;

  /**
   * Adaptive span (Sukhbaatar et al. 2019): weights w [rows, cols] times m(x) = clamp((R + z_h·L −
   * x)/R, 0, 1), x = |queryStart + (r mod rowsPerHead) − j|, h = ⌊r / rowsPerHead⌋ mod heads,
   * renormalised per row (a row summing to 0 stays 0).
   */
  adaptiveSpanForward(w: FloatArray, out: FloatArray, z: FloatArray, rows: number, cols: number, rowsPerHead: number, heads: number, queryStart: number, maxSpan: number, ramp: number): void;

  /** Backward of adaptiveSpanForward given its output y: accumulates into dw and dz (either may be null). */
  adaptiveSpanBackward(
    w: FloatArray, y: FloatArray, dy: FloatArray, z: FloatArray, dw: FloatArray | null, dz: FloatArray | null,
    rows: number, cols: number, rowsPerHead: number, heads: number, queryStart: number, maxSpan: number, ramp: number,
  ): void;

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

  // ---- Cross-entropy (js/crossEntropy.ts; wasm/crossEntropy.ts, c/crossentropy.c) --------------

  /**
   * Cross-entropy of each row of logits x[rows×cols] against targets[rows] (class ids), with label
   * smoothing ε (target distribution q = (1−ε)·onehot(t) + ε/cols):
   *   lse[r]  = log Σ_j exp(x_rj)
   *   loss[r] = (1−ε)·(lse[r] − x_r,t) + ε·(lse[r] − mean_j x_rj)     (= −Σ_j q_j log p_rj)
   * A row whose target equals `ignoreIndex` is skipped: lse[r] = loss[r] = 0. Other targets must
   * be in [0, cols) (the op checks).
   */
  crossEntropyRows(
    x: FloatArray, targets: Int32Array, lse: FloatArray, loss: FloatArray,
    rows: number, cols: number, ignoreIndex: number, smoothing: number,
  ): void;

  /**
   * Backward of crossEntropyRows given its lse: d_r = scale·(softmax(x_r) − q_r), added to dx
   * (`accumulate`) or written to it (then rows with an ignored target are set to 0). When not
   * accumulating, dx may be x itself: the logits are turned into their gradient in place.
   */
  crossEntropyBackwardRows(
    x: FloatArray, targets: Int32Array, lse: FloatArray, dx: FloatArray,
    rows: number, cols: number, ignoreIndex: number, smoothing: number, scale: number, accumulate: boolean,
  ): void;

  // ---- Optimizer updates, gradient-norm clipping, layer norm, additive energies ----------------
  // (js/optim.ts, js/norm.ts, js/energies.ts; wasm/optim.ts, wasm/norm.ts, wasm/energies.ts)

  /**
   * One Adam/AdamW update of n parameters in place (torch.optim.Adam/AdamW, PyTorch 1.13):
   *   g' = g + l2·p,  m = β1·m + (1−β1)·g',  v = β2·v + (1−β2)·g'·g',
   *   v̂ = vMax ? (vMax = max(vMax, v)) : v,  p = p·shrink − stepSize·m / (√v̂ / bc2Sqrt + eps).
   * The caller folds lr and the step t into stepSize = lr/(1−β1^t) and bc2Sqrt = √(1−β2^t); Adam
   * passes its weight decay as l2 (shrink 1), AdamW as shrink = 1 − lr·wd (l2 0). The js reference
   * computes each element in float64 and rounds once per stored value (m, v, vMax, p); faster sets
   * may compute in float32 (as PyTorch does) and agree within float32 tolerance.
   */
  adamStep(
    p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, n: number,
    beta1: number, beta2: number, eps: number, l2: number, shrink: number, stepSize: number, bc2Sqrt: number,
  ): void;

  /**
   * One SGD update of n parameters in place (torch.optim.SGD): d = g + weightDecay·p; without a
   * momentum buffer (buf null or momentum 0) p −= lr·d; else buf = first ? d : momentum·buf +
   * (1−dampening)·d and p −= lr·(nesterov ? d + momentum·buf : buf). float64 per element, rounded
   * once per stored value; every kernel set gives the same bits.
   */
  sgdStep(
    p: FloatArray, g: FloatArray, buf: FloatArray | null, n: number,
    lr: number, momentum: number, dampening: number, nesterov: boolean, weightDecay: number, first: boolean,
  ): void;

  /**
   * Σ x[i]² over x[off .. off+n), accumulated in float64 (gradient-norm clipping). The order of
   * the sum depends only on n. NaN/±Infinity propagate.
   */
  sumSquares(x: FloatArray, off: number, n: number): number;

  /** Σ |x[i]| over x[off .. off+n), float64 accumulation in an order that depends only on n. */
  sumAbs(x: FloatArray, off: number, n: number): number;

  /** max |x[i]| over x[off .. off+n) (0 when n = 0); NaN if any entry is NaN. */
  maxAbs(x: FloatArray, off: number, n: number): number;

  /** x[i] = x[i]·s in place over x[off .. off+n), the product taken in float64 and rounded once. */
  scaleInPlace(x: FloatArray, off: number, n: number, s: number): void;

  /**
   * Layer norm of x[rows×cols] over each row: out = (x − μ)·rstd·weight + bias with the biased
   * variance, rstd = 1/√(σ² + eps). Writes mean[rows] and rstd[rows] for the backward pass.
   */
  layerNormForward(
    x: FloatArray, weight: FloatArray, bias: FloatArray, out: FloatArray,
    mean: FloatArray, rstd: FloatArray, rows: number, cols: number, eps: number,
  ): void;

  /**
   * Backward of layerNormForward given dy[rows×cols], x and the saved mean/rstd; with
   * x̂ = (x − μ)·rstd and ĝ = dy·weight, accumulates dx += rstd/cols·(cols·ĝ − Σĝ − x̂·Σĝx̂),
   * dweight += Σ_rows dy·x̂, dbias += Σ_rows dy (rows in order). Any of dx, dweight, dbias may be null.
   */
  layerNormBackward(
    dy: FloatArray, x: FloatArray, mean: FloatArray, rstd: FloatArray, weight: FloatArray,
    dx: FloatArray | null, dweight: FloatArray | null, dbias: FloatArray | null, rows: number, cols: number,
  ): void;

  /**
   * Additive-attention energies e[b,s] = Σ_a v[a]·tanh(keys[b,s,a] + query[b,a]) with keys
   * [batch×srcLen×dim], query [batch×dim], v [dim], e [batch×srcLen]; tanhCache [batch×srcLen×dim]
   * receives the tanh values for the backward pass. The sum over a is in an order that depends only on dim.
   */
  additiveEnergiesForward(
    keys: FloatArray, query: FloatArray, v: FloatArray, e: FloatArray, tanhCache: FloatArray,
    batch: number, srcLen: number, dim: number,
  ): void;

  /**
   * Backward of additiveEnergiesForward given de [batch×srcLen]: with d = de·v·(1 − t²),
   * dkeys += d, dquery[b] += Σ_s d (s in order), dv += Σ_{b,s} de·t (b, s in order). Entries with
   * de = 0 (masked positions) are skipped. Any of dkeys, dquery, dv may be null.
   */
  additiveEnergiesBackward(
    de: FloatArray, tanhCache: FloatArray, v: FloatArray,
    dkeys: FloatArray | null, dquery: FloatArray | null, dv: FloatArray | null,
    batch: number, srcLen: number, dim: number,
  ): void;

  /**
   * The pointer-generator mixture in log space (See et al. 2017, eq. 9), per row r:
   * out[r, w] = log(σ(z_r)·softmax(logits_r)_w + (1 − σ(z_r))·Σ_{j: ids[b,j] = w} weights[r, j])
   * for w < extended, b = rowSentence[r]; logits [rows×vocab], gate z [rows], weights
   * [rows×srcLen], ids [sentences×srcLen] (ids < 0: padding, ignored; ids ≥ vocab: extended
   * words, which only the copy term reaches), out [rows×extended]. Float64 per row, the copy sums
   * over j in order; a word with neither a vocabulary entry nor attention gets −Infinity. The
   * reference is js/copyMixture.ts; the wasm sets run wasm/c/copymix.c.
   */
  copyMixtureForward(
    logits: FloatArray, gate: FloatArray, weights: FloatArray, ids: Int32Array, rowSentence: Int32Array, out: FloatArray,
    rows: number, vocab: number, srcLen: number, extended: number,
  ): void;

  /**
   * Backward of copyMixtureForward given dOut [rows×extended] (entries that are −Infinity get no
   * gradient): with ρ_w = σ(z)·softmax_w/P(w), dlogits_v += dOut_v ρ_v − softmax_v Σ_w dOut_w ρ_w,
   * dgate += Σ_w dOut_w (ρ_w (1 − σ(z)) − (1 − ρ_w) σ(z)) over reachable w, dweights[r, j] +=
   * dOut[ids_j] (1 − σ(z))/P(ids_j). Any gradient may be null.
   */
  copyMixtureBackward(
    logits: FloatArray, gate: FloatArray, weights: FloatArray, ids: Int32Array, rowSentence: Int32Array, dOut: FloatArray,
    dLogits: FloatArray | null, dGate: FloatArray | null, dWeights: FloatArray | null,
    rows: number, vocab: number, srcLen: number, extended: number,
  ): void;

  // ---- Elementwise family: binary ops with broadcasting, unary ops, axis sums, row gather and
  // scatter-add, masks (js/elementwise.ts, js/unary.ts, js/reduce.ts, js/gather.ts;
  // wasm/c/elementwise.c, bound by wasm/elementwise.ts). Memory-bound loops; every output element
  // is computed in an order fixed by the sizes alone. Layouts and op kinds: see the types below.

  /**
   * out[r, c] = a[r, c] ∘ b[r, c] over an output of rows × cols, where each operand is read
   * through its `OperandLayout` ("full": its own rows × cols; "row": one row of `cols` repeated
   * for every row, e.g. a bias [H] over [N, H]; "col": one value per row, e.g. [B, 1] over
   * [B, H]; a scalar is "col" with rows = 1). Any other broadcast stays in the op.
   */
  binaryForward(
    op: BinaryOpKind,
    a: FloatArray, aOff: number, aLayout: OperandLayout,
    b: FloatArray, bOff: number, bLayout: OperandLayout,
    out: FloatArray, outOff: number, rows: number, cols: number,
  ): void;

  /**
   * Backward of binaryForward for one operand (`which` 0 = a, 1 = b): accumulates dOut/dOperand ·
   * g into `dst`, which has that operand's layout. Broadcast operands are reductions: "row" sums
   * rows 0..rows−1 in order into each column; "col" sums each row's cols in an order fixed by
   * `cols` alone (as `sumAxis`), then adds the sum once. Add/sub read neither a nor b; mul reads
   * the other operand; div both.
   */
  binaryBackward(
    op: BinaryOpKind, which: 0 | 1,
    g: FloatArray, gOff: number,
    a: FloatArray, aOff: number, aLayout: OperandLayout,
    b: FloatArray, bOff: number, bLayout: OperandLayout,
    dst: FloatArray, dstOff: number, rows: number, cols: number,
  ): void;

  /** y[i] = f(x[i]) for i < n (f by `UnaryOpKind`). */
  unaryForward(op: UnaryOpKind, x: FloatArray, xOff: number, y: FloatArray, yOff: number, n: number): void;

  /**
   * gx[i] += g[i] · f'(x[i]), using the saved output y where that is cheaper (exp, tanh, sigmoid
   * read y; log, relu, gelu, geluTanh, square read x; the unused one may be any array). relu adds
   * nothing where x ≤ 0.
   */
  unaryBackward(
    op: UnaryOpKind, x: FloatArray, xOff: number, y: FloatArray, yOff: number,
    g: FloatArray, gOff: number, gx: FloatArray, gxOff: number, n: number,
  ): void;

  /** out[i] = x[i]·scale + shift for i < n (two roundings in float32). */
  affine(x: FloatArray, xOff: number, out: FloatArray, outOff: number, n: number, scale: number, shift: number): void;

  /** y[i] += alpha·x[i] for i < n (gradient accumulation, addN). */
  axpy(n: number, alpha: number, x: FloatArray, xOff: number, y: FloatArray, yOff: number): void;

  /**
   * x viewed as [outer, dim, inner]: out[o, i] = scale · Σ_d x[o, d, i] (written, not added).
   * Every sum uses one order fixed by dim alone, whatever outer and inner (so a [T, B] sum over T
   * gives each column the same bits for B = 1 as for B = 32); the reference sums d in order, the
   * WebAssembly kernels in four partial sums over d ≡ k (mod 4) (c/elementwise.c).
   */
  sumAxis(x: FloatArray, xOff: number, out: FloatArray, outOff: number, outer: number, dim: number, inner: number, scale: number): void;

  /** Backward of sumAxis: gx[o, d, i] += scale · g[o, i]. */
  sumAxisBackward(g: FloatArray, gOff: number, gx: FloatArray, gxOff: number, outer: number, dim: number, inner: number, scale: number): void;

  /** out[i, :] = w[ids[idsOff + i], :] for i < count, rows of `dim` floats (ids must be in range). */
  gatherRows(w: FloatArray, wOff: number, ids: Int32Array, idsOff: number, out: FloatArray, outOff: number, count: number, dim: number): void;

  /** gw[ids[i], :] += g[i, :] for i = 0..count−1 in order, skipping ids equal to `skipId` (−1: none). */
  scatterAddRows(g: FloatArray, gOff: number, ids: Int32Array, idsOff: number, gw: FloatArray, gwOff: number, count: number, dim: number, skipId: number): void;

  /** out[i] = mask[i] ? fill : x[i]·scale (masked fill: scale 1; dropout: mask = dropped, fill 0). */
  maskedFill(x: FloatArray, xOff: number, mask: Uint8Array, maskOff: number, out: FloatArray, outOff: number, n: number, scale: number, fill: number): void;

  /** gx[i] += g[i]·scale where mask[i] is 0; masked positions are left untouched. */
  maskedAccumulate(g: FloatArray, gOff: number, mask: Uint8Array, maskOff: number, gx: FloatArray, gxOff: number, n: number, scale: number): void;

  /** Row r (of `width` floats) of out = row r of a where keep[r] ≠ 0, else row r of b. */
  selectRows(keep: Uint8Array, a: FloatArray, aOff: number, b: FloatArray, bOff: number, out: FloatArray, outOff: number, rows: number, width: number): void;

  /** dst row r += g row r for the rows where (keep[r] ≠ 0) === whenKept (backward of selectRows). */
  accumulateRowsWhere(keep: Uint8Array, whenKept: boolean, g: FloatArray, gOff: number, dst: FloatArray, dstOff: number, rows: number, width: number): void;
  // ---- end of the elementwise family

  /**
   * Dropout mask: for i < n, draw u = next() of the xoshiro128** generator whose four state words
   * are `state` (exactly Rng.next(): two uint32 draws, 53 bits, a double in [0, 1)) and set
   * mask[i] = 1 (dropped) when u < p, else 0. `state` is advanced in place, so the stream is the
   * one Rng would produce drawing n numbers in order — the same bits on every kernel set.
   */
  dropoutMask(state: Uint32Array, mask: Uint8Array, n: number, p: number): void;

  // ---- layout: copies for the shape ops (reshape, concat, slice, transpose)

  /** dst[dstOff + i] = src[srcOff + i] for i < n (an exact copy; the ranges must not overlap). */
  copyFloats(src: FloatArray, srcOff: number, dst: FloatArray, dstOff: number, n: number): void;

  /**
   * Batched transpose of the last two axes: out[b, j, i] = x[b, i, j] for b < batch, i < rows,
   * j < cols, or out[b, j, i] += x[b, i, j] with `accumulate` (the transpose's backward).
   */
  transposeBatched(x: FloatArray, xOff: number, out: FloatArray, outOff: number, batch: number, rows: number, cols: number, accumulate: boolean): void;
}
