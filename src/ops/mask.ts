import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** out = mask ? value : x, elementwise; `mask` has x's number of elements, 1 = fill. No gradient flows to filled positions. */
export function maskedFill(x: Tensor, mask: Uint8Array, value: number): Tensor {
  if (mask.length !== x.size) throw shapeError("maskedFill", `mask has ${mask.length} entries but the input has ${x.size}`, x.shape);
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.maskedFill(x.data, 0, mask, 0, out.data, 0, x.size, 1, value);
  return record(out, [x], (g) => {
    K.maskedAccumulate(g, 0, mask, 0, gradSink(x)!, 0, g.length, 1);
  });
}

/**
 * Per-row choice between two tensors of equal shape [B, ...]: row b of the output is row b of
 * `ifTrue` where keep[b] is 1, else row b of `ifFalse`. Recurrent layers use it so padding
 * steps leave a finished sequence's state untouched.
 */
export function selectRows(keep: Uint8Array, ifTrue: Tensor, ifFalse: Tensor): Tensor {
  if (ifTrue.size !== ifFalse.size || ifTrue.shape[0] !== keep.length) {
    throw shapeError("selectRows", `expected two tensors of equal shape with ${keep.length} rows`, ifTrue.shape, ifFalse.shape);
  }
  const rows = keep.length;
  const w = rows === 0 ? 0 : ifTrue.size / rows;
  const out = Tensor.zeros(ifTrue.shape);
  const K = kernels();
  K.selectRows(keep, ifTrue.data, 0, ifFalse.data, 0, out.data, 0, rows, w);
  return record(out, [ifTrue, ifFalse], (g) => {
    const gt = gradSink(ifTrue);
    const gf = gradSink(ifFalse);
    if (gt) K.accumulateRowsWhere(keep, true, g, 0, gt, 0, rows, w);
    if (gf) K.accumulateRowsWhere(keep, false, g, 0, gf, 0, rows, w);
  });
}

/**
 * Expand a [B, S] key mask (1 = masked) to [B, repeat, S], for scores of shape [B, T, S] or
 * [B·heads, T, S] (pass repeat = heads·T and the mask is repeated per batch row).
 */
export function expandKeyMask(mask: Uint8Array, batch: number, keys: number, repeat: number): Uint8Array {
  if (mask.length !== batch * keys) throw new Error(`expandKeyMask: mask has ${mask.length} entries, expected ${batch}×${keys}`);
  const out = new Uint8Array(batch * repeat * keys);
  for (let b = 0; b < batch; b++) {
    const row = mask.subarray(b * keys, b * keys + keys);
    for (let r = 0; r < repeat; r++) out.set(row, (b * repeat + r) * keys);
  }
  return out;
}
