import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import type { FloatArray } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export interface MatmulOptions {
  /** Use Aᵀ (the last two axes of a swapped) without materialising it. */
  transA?: boolean;
  /** Use Bᵀ (the last two axes of b swapped) without materialising it. */
  transB?: boolean;
}

/**
 * op(a) · op(b) where op is identity or transpose of the last two axes.
 *  - a [m,k] · b [k,n] → [m,n]
 *  - a [batch,m,k] · b [batch,k,n] → [batch,m,n] (batched)
 *  - a [..., m, k] · b [k,n] → [..., m, n]: leading axes of a are folded into m (a Linear layer
 *    over a batch of sequences); not allowed with transA.
 * The backward pass uses the transposed-operand kernels, so no transpose is ever copied.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const op = `matmul${transA ? "ᵀ" : ""}${transB ? "ᵀ" : ""}`;
  if (a.ndim < 2 || b.ndim < 2) throw shapeError(op, "operands must have at least 2 dimensions", a.shape, b.shape);
  let batch: number;
  let m: number;
  let k: number;
  let n: number;
  let bBatched: boolean;
  let outShape: number[];
  const [bRows, bCols] = [b.shape[b.ndim - 2]!, b.shape[b.ndim - 1]!];
  const kb = transB ? bCols : bRows;
  n = transB ? bRows : bCols;
  if (b.ndim === 2) {
    bBatched = false;
    if (transA) {
      if (a.ndim !== 2 && a.ndim !== 3) throw shapeError(op, "transposed a must be 2-D or 3-D", a.shape, b.shape);
      batch = a.ndim === 3 ? a.shape[0]! : 1;
      k = a.shape[a.ndim - 2]!;
      m = a.shape[a.ndim - 1]!;
      outShape = a.ndim === 3 ? [batch, m, n] : [m, n];
    } else {
      batch = 1;
      k = a.shape[a.ndim - 1]!;
      m = a.size / k;
      outShape = [...a.shape.slice(0, -1), n];
    }
  } else if (b.ndim === 3 && a.ndim === 3) {
    bBatched = true;
    batch = a.shape[0]!;
    if (b.shape[0] !== batch) throw shapeError(op, "batch sizes differ", a.shape, b.shape);
    m = transA ? a.shape[2]! : a.shape[1]!;
    k = transA ? a.shape[1]! : a.shape[2]!;
    outShape = [batch, m, n];
  } else {
    throw shapeError(op, "expected 2-D·2-D, N-D·2-D or 3-D·3-D operands", a.shape, b.shape);
  }
  if (k !== kb) throw shapeError(op, `inner dimensions differ (${k} vs ${kb})`, a.shape, b.shape);

  const out = Tensor.empty(outShape); // written whole by the products (accumulate off)
  const K = kernels();
  const aStride = m * k;
  const bStride = bBatched ? k * n : 0;
  const cStride = m * n;
  for (let i = 0; i < batch; i++) {
    K.matmul(a.data, i * aStride, b.data, i * bStride, out.data, i * cStride, m, n, k, transA, transB, false);
  }
  return record(out, [a, b], (g: FloatArray) => {
    const ga = gradSink(a);
    const gb = gradSink(b);
    for (let i = 0; i < batch; i++) {
      const aOff = i * aStride;
      const bOff = i * bStride;
      const gOff = i * cStride;
      if (ga) {
        // d op(A) = dC · op(B)ᵀ; for a transposed A store its transpose: dA = op(B) · dCᵀ.
        if (transA) K.matmul(b.data, bOff, g, gOff, ga, aOff, k, m, n, transB, true, true);
        else K.matmul(g, gOff, b.data, bOff, ga, aOff, m, k, n, false, !transB, true);
      }
      if (gb) {
        // d op(B) = op(A)ᵀ · dC; for a transposed B: dB = dCᵀ · op(A).
        if (transB) K.matmul(g, gOff, a.data, aOff, gb, bOff, n, k, m, true, transA, true);
        else K.matmul(a.data, aOff, g, gOff, gb, bOff, k, n, m, !transA, false, true);
      }
    }
  });
}
