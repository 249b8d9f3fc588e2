import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export interface SpanMaskOptions {
  /** Heads H: row r of the weights belongs to head ⌊r / rowsPerHead⌋ mod H. */
  heads: number;
  /** Query rows per head block (T of weights [B·H, T, S]). */
  rowsPerHead: number;
  /** Position of the first query among the keys (0 for self-attention over a whole sequence, t for decoding step t). */
  queryStart: number;
  /** L, the largest span. */
  maxSpan: number;
  /** R, the width of the soft ramp. */
  ramp: number;
}

/**
 * The adaptive attention span of Sukhbaatar et al. 2019 (§3, eq. 3) applied to normalised weights
 * w [..., S]: each weight is multiplied by the soft mask m(x) = clamp((R + z_h·L − x)/R, 0, 1) of
 * its distance x = |i − j| from the query (span z_h·L of head h, z [H]), then each row is
 * renormalised to sum to 1 (a row with nothing left stays all zeros). Differentiable in w and z.
 */
export function spanMask(w: Tensor, z: Tensor, o: SpanMaskOptions): Tensor {
  const cols = w.shape[w.ndim - 1] ?? 0;
  const rows = cols === 0 ? 0 : w.size / cols;
  if (z.ndim !== 1 || z.size !== o.heads) throw shapeError("spanMask", `z must be [${o.heads}] (one span per head)`, z.shape);
  if (!(o.rowsPerHead >= 1 && rows % o.rowsPerHead === 0)) throw shapeError("spanMask", `weights must have a multiple of ${o.rowsPerHead} rows`, w.shape);
  if (!(o.maxSpan > 0 && o.ramp > 0)) throw new Error(`spanMask: maxSpan and ramp must be positive, got ${o.maxSpan} and ${o.ramp}`);
  const out = Tensor.zeros(w.shape);
  const K = kernels();
  K.adaptiveSpanForward(w.data, out.data, z.data, rows, cols, o.rowsPerHead, o.heads, o.queryStart, o.maxSpan, o.ramp);
  return record(out, [w, z], (g) => {
    K.adaptiveSpanBackward(w.data, out.data, g, z.data, gradSink(w), gradSink(z), rows, cols, o.rowsPerHead, o.heads, o.queryStart, o.maxSpan, o.ramp);
  });
}
