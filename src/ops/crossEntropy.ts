import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export interface CrossEntropyOptions {
  /** Target id whose rows contribute nothing (padding). PyTorch's default is -100. */
  ignoreIndex?: number;
  /** ε of label smoothing (Szegedy et al. 2016): the target distribution is (1−ε)·onehot + ε/V. */
  labelSmoothing?: number;
  /** "mean" over non-ignored rows (PyTorch's default) or "sum". */
  reduction?: "mean" | "sum";
}

/**
 * Fused log-softmax + negative log-likelihood over logits [N, V] and integer targets [N],
 * matching torch.nn.functional.cross_entropy. The fused backward is (softmax − q)·scale per
 * row, which is cheaper and more stable than composing logSoftmax with a gather. Both directions
 * are kernels (crossEntropyRows, crossEntropyBackwardRows); rows with an ignored target cost nothing.
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  if (logits.ndim !== 2) throw shapeError("crossEntropy", "logits must be 2-D [N, V]", logits.shape);
  const [N, V] = logits.shape as [number, number];
  if (targets.length !== N) throw shapeError("crossEntropy", `${targets.length} targets for ${N} rows of logits`, logits.shape, [targets.length]);
  const { ignore, eps, reduction } = resolveLossOptions("crossEntropy", opts);
  const count = checkTargets("crossEntropy", targets, V, ignore);
  const K = kernels();
  const X = logits.data;
  const lse = allocFloat(N);
  const rowLoss = allocFloat(N);
  K.crossEntropyRows(X, targets, lse, rowLoss, N, V, ignore, eps);
  const scale = reduction === "mean" ? (count > 0 ? 1 / count : 0) : 1;
  // PyTorch returns NaN for a mean over zero targets; we return 0 so an all-padding batch is harmless.
  const out = Tensor.scalar(sumRows(rowLoss, N) * scale);
  return record(out, [logits], (g) => {
    K.crossEntropyBackwardRows(X, targets, lse, gradSink(logits)!, N, V, ignore, eps, g[0]! * scale, true);
  });
}

/** The options with PyTorch's defaults filled in (ignore index −100, no smoothing, mean), checked. */
export function resolveLossOptions(op: string, opts: CrossEntropyOptions): { ignore: number; eps: number; reduction: "mean" | "sum" } {
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  return { ignore: opts.ignoreIndex ?? -100, eps, reduction: opts.reduction ?? "mean" };
}

/** Number of targets that are not `ignore`; throws on a target outside [0, V). */
export function checkTargets(op: string, targets: Int32Array, V: number, ignore: number): number {
  let count = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (t === ignore) continue;
    if (t < 0 || t >= V) throw new Error(`${op}: target ${t} at row ${i} is out of range [0, ${V})`);
    count++;
  }
  return count;
}

/** Σ of the per-row losses in float64, in row order. */
export function sumRows(rowLoss: ArrayLike<number>, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += rowLoss[i]!;
  return total;
}
