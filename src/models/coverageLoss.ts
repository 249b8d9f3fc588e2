import { gatherRows, mulScalar, relu, reshape, stack, sub, sum } from "../ops/index.js";
import type { CrossEntropyOptions } from "../ops/crossEntropy.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The coverage loss of See et al. 2017 (eq. 12), covloss_t = Σ_j min(a_t(j), c_t(j)), which
 * penalises attending again to positions already covered, over the teacher-forced steps:
 *
 *   λ · scale · Σ_{counted (b, t)} Σ_j min(a_t(j), c_t(j)),   c_t = Σ_{t'<t} a_{t'}
 *
 * where a step counts when its target is not `ignoreIndex`, and scale is 1 / (counted tokens)
 * for a "mean" reduction (so it is per token, like the cross-entropy it is added to) or 1 for
 * "sum". `weights[t]` and `coverage[t]` are a_t and c_t of step t, each [B, S]; c_0 is null
 * (zeros), so step 0 adds nothing. min(a, c) = a − relu(a − c), so the gradient is that of
 * autograd's relu (0 where a = c).
 */
export function coverageLossTerm(weights: readonly Tensor[], coverage: readonly (Tensor | null)[], targets: Int32Array, lambda: number, opts: CrossEntropyOptions): Tensor | null {
  const T = weights.length;
  if (T === 0 || lambda === 0) return null;
  const [B, S] = weights[0]!.shape as [number, number];
  if (targets.length !== B * T) throw new Error(`coverage loss: ${targets.length} targets for ${B}×${T} steps`);
  const ignore = opts.ignoreIndex ?? -100;
  let counted = 0;
  const rows: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      if (targets[b * T + t] === ignore) continue;
      counted++;
      // Rows of the stacked steps 1..T−1 ([B, T − 1, S]) that count.
      if (t > 0 && coverage[t]) rows.push(b * (T - 1) + t - 1);
    }
  }
  if (rows.length === 0) return null;
  const steps = Array.from({ length: T - 1 }, (_, k) => k + 1);
  for (const t of steps) if (!coverage[t]) throw new Error(`coverage loss: no coverage vector at step ${t}`);
  const a = stack(steps.map((t) => weights[t]!), 1);
  const c = stack(steps.map((t) => coverage[t]!), 1);
  const minimum = sub(a, relu(sub(a, c)));
  const picked = gatherRows(reshape(minimum, [B * (T - 1), S]), Int32Array.from(rows), [rows.length]);
  const scale = (opts.reduction ?? "mean") === "mean" ? 1 / counted : 1;
  return mulScalar(sum(picked), lambda * scale);
}
