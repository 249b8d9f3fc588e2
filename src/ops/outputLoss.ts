import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat, allocFloatUninit } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTargets, type CrossEntropyOptions, resolveLossOptions, sumRows } from "./crossEntropy.js";
import { gatherRows } from "./gather.js";
import { reshape } from "./shape.js";

/**
 * The output layer and its loss as one op:
 *
 *   outputLayerLoss(h, W, b, t, opts) = crossEntropy(h · Wᵀ + b, t, opts)
 *
 * for hidden states h [..., D] (N rows), a projection W [V, D] (torch.nn.Linear's layout), bias b
 * [V] (or null) and targets t [N], with crossEntropy's ignore index, label smoothing and
 * reduction. It exists because the vocabulary projection is most of a translation model's work
 * and memory:
 *  - rows whose target is ignored (padding) are dropped before the projection, so neither the
 *    product nor its backward computes anything for them;
 *  - the [rows, V] logits are materialised once, in one buffer, and the backward turns that
 *    buffer into dLoss/dlogits = (softmax − q)·scale in place before the two products
 *    dh = dlogits · W and dW = dlogitsᵀ · h; no probabilities or logits tensor is kept beside it.
 */
export function outputLayerLoss(
  hidden: Tensor, weight: Tensor, bias: Tensor | null, targets: Int32Array, opts: CrossEntropyOptions = {},
): Tensor {
  const op = "outputLayerLoss";
  if (weight.ndim !== 2) throw shapeError(op, "weight must be 2-D [V, D]", weight.shape);
  const [V, D] = weight.shape as [number, number];
  if (hidden.ndim < 1 || hidden.shape[hidden.ndim - 1] !== D) throw shapeError(op, `hidden must be [..., ${D}] to match the weight`, hidden.shape, weight.shape);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== V)) throw shapeError(op, `bias must be [${V}]`, bias.shape);
  const N = D === 0 ? 0 : hidden.size / D;
  if (targets.length !== N) throw shapeError(op, `${targets.length} targets for ${N} rows of hidden states`, hidden.shape, [targets.length]);
  const { ignore, eps, reduction } = resolveLossOptions(op, opts);
  const M = checkTargets(op, targets, V, ignore);

  // Keep only the rows that count: x [M, D] and their targets.
  let x = hidden;
  let t = targets;
  if (M < N) {
    const live = new Int32Array(M);
    t = new Int32Array(M);
    for (let i = 0, k = 0; i < N; i++) {
      if (targets[i] === ignore) continue;
      live[k] = i;
      t[k++] = targets[i]!;
    }
    x = gatherRows(hidden.ndim === 2 ? hidden : reshape(hidden, [N, D]), live, [M]);
  }

  const K = kernels();
  // logits [M, V] = b (broadcast) + x · Wᵀ
  const logits = allocFloatUninit(M * V); // the bias rows or the product write all of it
  if (bias) for (let r = 0; r < M; r++) logits.set(bias.data, r * V);
  if (M > 0) K.matmul(x.data, 0, weight.data, 0, logits, 0, M, V, D, false, true, bias !== null);
  const lse = allocFloat(M);
  const rowLoss = allocFloat(M);
  K.crossEntropyRows(logits, t, lse, rowLoss, M, V, ignore, eps);
  const scale = reduction === "mean" ? (M > 0 ? 1 / M : 0) : 1;
  const out = Tensor.scalar(sumRows(rowLoss, M) * scale);

  return record(out, bias ? [x, weight, bias] : [x, weight], (g) => {
    if (M === 0) return;
    // The logits become their gradient (softmax − q)·scale in place; the graph is freed after this.
    const dLogits = logits;
    K.crossEntropyBackwardRows(logits, t, lse, dLogits, M, V, ignore, eps, g[0]! * scale, false);
    const gx = gradSink(x);
    const gw = gradSink(weight);
    const gb = bias ? gradSink(bias) : null;
    if (gx) K.matmul(dLogits, 0, weight.data, 0, gx, 0, M, D, V, false, false, true); // dx += dlogits · W
    if (gw) K.matmul(dLogits, 0, x.data, 0, gw, 0, V, D, M, true, false, true); // dW += dlogitsᵀ · x
    // db += Σ_rows dlogits: the bias backward of a broadcast add (the kernel add(·, b) uses).
    if (gb) K.binaryBackward("add", 1, dLogits, 0, dLogits, 0, "full", bias!.data, 0, "row", gb, 0, M, V);
  });
}
