import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

function checkMask(op: string, x: Tensor, mask: Uint8Array | null): void {
  if (mask && mask.length !== x.size) {
    throw shapeError(op, `mask has ${mask.length} entries but the input has ${x.size} (expand it to the input's shape)`, x.shape);
  }
}

/**
 * Softmax over the last axis. `mask` (same number of elements as x, 1 = masked out, the
 * PyTorch bool convention) gives masked positions exactly zero weight; a fully masked row
 * gives all zeros, never NaN.
 */
export function softmax(x: Tensor, mask: Uint8Array | null = null): Tensor {
  checkMask("softmax", x, mask);
  const cols = x.shape[x.ndim - 1] ?? 1;
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.softmaxRows(x.data, out.data, rows, cols, mask);
  return record(out, [x], (g) => {
    K.softmaxBackwardRows(out.data, g, gradSink(x)!, rows, cols);
  });
}

/** Log-softmax over the last axis; masked positions get -Infinity and no gradient. */
export function logSoftmax(x: Tensor, mask: Uint8Array | null = null): Tensor {
  checkMask("logSoftmax", x, mask);
  const cols = x.shape[x.ndim - 1] ?? 1;
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = Tensor.zeros(x.shape);
  const K = kernels();
  K.logSoftmaxRows(x.data, out.data, rows, cols, mask);
  return record(out, [x], (g) => {
    K.logSoftmaxBackwardRows(out.data, g, gradSink(x)!, rows, cols);
  });
}
