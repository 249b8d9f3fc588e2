import { gradSink, record } from "../autograd/tape.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Two copy ops between batch-first sequences and per-step rows, used by the recurrent layers.
 * They replace slice+reshape per step and reshape+concat+mask at the end with one pass each.
 */

/** Step t of x [B, T, G] as [B, G] (a copy; backward adds into x's gradient at step t). */
export function timeStep(x: Tensor, t: number): Tensor {
  if (x.ndim !== 3 || !(t >= 0 && t < x.shape[1]!)) throw shapeError("timeStep", `step ${t} out of range`, x.shape);
  const [B, T, G] = x.shape as [number, number, number];
  const out = Tensor.zeros([B, G]);
  const X = x.data;
  const O = out.data;
  for (let b = 0; b < B; b++) O.set(X.subarray((b * T + t) * G, (b * T + t + 1) * G), b * G);
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let b = 0; b < B; b++) {
      const xo = (b * T + t) * G;
      const go = b * G;
      for (let j = 0; j < G; j++) gx[xo + j]! += g[go + j]!;
    }
  });
}

/**
 * Assemble per-step states into a batch-first sequence [B, T, D·H]: `steps[d][t]` is direction
 * d's state [B, H] at step t (null = skipped step), written to columns d·H … (d+1)·H − 1.
 * Rows inactive at a step (active[t][b] = 0, padding) are exactly 0 and pass no gradient.
 */
export function stepsToSequence(steps: readonly (readonly (Tensor | null)[])[], active: readonly (Uint8Array | null)[], batch: number, hidden: number): Tensor {
  const D = steps.length;
  const T = active.length;
  const H = hidden;
  const W = D * H;
  const out = Tensor.zeros([batch, T, W]);
  const O = out.data;
  const parents: Tensor[] = [];
  for (let d = 0; d < D; d++) {
    for (let t = 0; t < T; t++) {
      const s = steps[d]![t];
      if (!s) continue;
      if (s.size !== batch * H) throw shapeError("stepsToSequence", `expected [${batch}, ${H}]`, s.shape);
      parents.push(s);
      const m = active[t];
      const S = s.data;
      for (let b = 0; b < batch; b++) {
        if (m && !m[b]) continue;
        O.set(S.subarray(b * H, b * H + H), (b * T + t) * W + d * H);
      }
    }
  }
  return record(out, parents, (g) => {
    for (let d = 0; d < D; d++) {
      for (let t = 0; t < T; t++) {
        const s = steps[d]![t];
        const gs = s ? gradSink(s) : null;
        if (!gs) continue;
        const m = active[t];
        for (let b = 0; b < batch; b++) {
          if (m && !m[b]) continue;
          const go = (b * T + t) * W + d * H;
          for (let j = 0; j < H; j++) gs[b * H + j]! += g[go + j]!;
        }
      }
    }
  });
}
