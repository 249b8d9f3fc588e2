import { gradSink, record } from "../autograd/tape.js";
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
 * row, which is cheaper and more stable than composing logSoftmax with a gather.
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  if (logits.ndim !== 2) throw shapeError("crossEntropy", "logits must be 2-D [N, V]", logits.shape);
  const [N, V] = logits.shape as [number, number];
  if (targets.length !== N) throw shapeError("crossEntropy", `${targets.length} targets for ${N} rows of logits`, logits.shape, [targets.length]);
  const ignore = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const reduction = opts.reduction ?? "mean";
  const X = logits.data;
  const lse = new Float64Array(N);
  let total = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    const t = targets[i]!;
    if (t === ignore) continue;
    if (t < 0 || t >= V) throw new Error(`crossEntropy: target ${t} at row ${i} is out of range [0, ${V})`);
    const o = i * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (X[o + j]! > max) max = X[o + j]!;
    let s = 0;
    let sumLogits = 0;
    for (let j = 0; j < V; j++) {
      s += Math.exp(X[o + j]! - max);
      sumLogits += X[o + j]!;
    }
    const l = max + Math.log(s);
    lse[i] = l;
    const nll = l - X[o + t]!;
    const smooth = l - sumLogits / V; // mean over classes of −log p_j
    total += (1 - eps) * nll + eps * smooth;
    count++;
  }
  const scale = reduction === "mean" ? (count > 0 ? 1 / count : 0) : 1;
  // PyTorch returns NaN for a mean over zero targets; we return 0 so an all-padding batch is harmless.
  const out = Tensor.scalar(total * scale);
  return record(out, [logits], (g) => {
    const gx = gradSink(logits)!;
    const gs = g[0]! * scale;
    for (let i = 0; i < N; i++) {
      const t = targets[i]!;
      if (t === ignore) continue;
      const o = i * V;
      const l = lse[i]!;
      for (let j = 0; j < V; j++) gx[o + j] += gs * (Math.exp(X[o + j]! - l) - eps / V);
      gx[o + t] -= gs * (1 - eps);
    }
  });
}
