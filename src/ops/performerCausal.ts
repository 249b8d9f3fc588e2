import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Causal linear attention by prefix sums (Choromanski et al. 2021 §2.5; Katharopoulos et al.
 * 2020 eq. 9): given feature maps fq = φ(Q) [N, T, m], fk = φ(K) [N, S, m] and v [N, S, dv],
 * query i (at key position S − T + i) reads out_i = Σ_{j ≤ p} (fq_i·fk_j) v_j / Σ_{j ≤ p} fq_i·fk_j.
 * O(n·m·dv) time, O(m·dv) state per row: no n×n buffer. A row whose denominator is 0 outputs 0.
 */
export function performerCausal(fq: Tensor, fk: Tensor, v: Tensor): Tensor {
  if (fq.ndim !== 3 || fk.ndim !== 3 || v.ndim !== 3 || fk.shape[0] !== fq.shape[0] || v.shape[0] !== fq.shape[0] || fk.shape[1] !== v.shape[1] || fk.shape[2] !== fq.shape[2] || fk.shape[1]! < fq.shape[1]!) {
    throw shapeError("performerCausal", "expected fq [N,T,m], fk [N,S,m], v [N,S,dv] with S ≥ T", fq.shape, fk.shape, v.shape);
  }
  const [N, T, m] = fq.shape as [number, number, number];
  const S = fk.shape[1]!;
  const dv = v.shape[2]!;
  const out = Tensor.zeros([N, T, dv]);
  const den = new Float64Array(N * T);
  const K = kernels();
  const state = new Float64Array(m * dv + m);
  K.performerCausalForward(fq.data, fk.data, v.data, out.data, den, N, T, S, m, dv, state);
  return record(out, [fq, fk, v], (g) => {
    K.performerCausalBackward(g, fq.data, fk.data, v.data, out.data, den, gradSink(fq), gradSink(fk), gradSink(v), N, T, S, m, dv, state, new Float64Array(dv + 1));
  });
}
