import { gradSink, record } from "../autograd/tape.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Fused additive-attention energies (Bahdanau et al. 2014, eq. 6; Luong's "concat"):
 *   e[b, s] = Σ_a v[a] · tanh(keysProj[b, s, a] + queryProj[b, a])
 * with keysProj [B, S, A] (W₂h, computed once per sentence), queryProj [B, A] (W₁s, per step)
 * and v [A]. Fusing avoids materialising the broadcast sum and its tanh as separate graph
 * nodes at every decoder step.
 */
export function additiveEnergies(keysProj: Tensor, queryProj: Tensor, v: Tensor): Tensor {
  if (keysProj.ndim !== 3) throw shapeError("additiveEnergies", "keysProj must be [B, S, A]", keysProj.shape);
  const [B, S, A] = keysProj.shape as [number, number, number];
  if (queryProj.size !== B * A || v.size !== A) {
    throw shapeError("additiveEnergies", `expected queryProj [${B}, ${A}] and v [${A}]`, keysProj.shape, queryProj.shape, v.shape);
  }
  const out = Tensor.zeros([B, S]);
  const T = allocFloat(B * S * A);
  const K = keysProj.data;
  const Q = queryProj.data;
  const V = v.data;
  const E = out.data;
  for (let b = 0; b < B; b++) {
    const qo = b * A;
    for (let s = 0; s < S; s++) {
      const ko = (b * S + s) * A;
      let e = 0;
      for (let a = 0; a < A; a++) {
        const t = Math.tanh(K[ko + a]! + Q[qo + a]!);
        T[ko + a] = t;
        e += V[a]! * t;
      }
      E[b * S + s] = e;
    }
  }
  return record(out, [keysProj, queryProj, v], (g) => {
    const gk = gradSink(keysProj);
    const gq = gradSink(queryProj);
    const gv = gradSink(v);
    for (let b = 0; b < B; b++) {
      const qo = b * A;
      for (let s = 0; s < S; s++) {
        const ge = g[b * S + s]!;
        if (ge === 0) continue;
        const ko = (b * S + s) * A;
        for (let a = 0; a < A; a++) {
          const t = T[ko + a]!;
          const d = ge * V[a]! * (1 - t * t);
          if (gk) gk[ko + a] += d;
          if (gq) gq[qo + a] += d;
          if (gv) gv[a] += ge * t;
        }
      }
    }
  });
}
