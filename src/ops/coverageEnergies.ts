import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { allocFloat } from "../tensor/dtype.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Fused additive energies with a coverage term (Tu et al. 2016, "Modeling Coverage for NMT";
 * See et al. 2017, eq. 11):
 *   e[r, s] = Σ_a v[a] · tanh(keysProj[⌊r/G⌋, s, a] + queryProj[r, a] + coverage[r, s] · wc[a])
 * with keysProj [B, S, A] (per sentence), queryProj [N, A] and coverage [N, S] (per query row,
 * N = G·B: row r reads sentence ⌊r / G⌋, as every attention memory), v and wc of A entries each.
 * The coverage is per row, so unlike additiveEnergies the tanh argument cannot be split into a
 * key part and a query part; the kernel keeps the [N, S, A] tanh values for the backward.
 */
export function coverageEnergies(keysProj: Tensor, queryProj: Tensor, v: Tensor, coverage: Tensor, wc: Tensor): Tensor {
  const op = "coverageEnergies";
  if (keysProj.ndim !== 3) throw shapeError(op, "keysProj must be [B, S, A]", keysProj.shape);
  const [B, S, A] = keysProj.shape as [number, number, number];
  if (queryProj.ndim !== 2 || queryProj.shape[1] !== A) throw shapeError(op, `queryProj must be [N, ${A}]`, queryProj.shape);
  const N = queryProj.shape[0]!;
  const G = B === 0 ? 1 : N / B;
  if (N > 0 && (!Number.isInteger(G) || G < 1)) throw shapeError(op, `${N} query rows for ${B} sentences; expected a positive multiple`, keysProj.shape, queryProj.shape);
  if (coverage.size !== N * S) throw shapeError(op, `coverage must be [${N}, ${S}]`, coverage.shape);
  if (v.size !== A || wc.size !== A) throw shapeError(op, `v and wc must have ${A} entries`, v.shape, wc.shape);
  const out = Tensor.zeros([N, S]);
  const T = allocFloat(N * S * A);
  kernels().coverageEnergiesForward(keysProj.data, queryProj.data, v.data, coverage.data, wc.data, out.data, T, N, G, S, A);
  return record(out, [keysProj, queryProj, v, coverage, wc], (g) => {
    kernels().coverageEnergiesBackward(g, T, v.data, coverage.data, wc.data, gradSink(keysProj), gradSink(queryProj), gradSink(v), gradSink(coverage), gradSink(wc), N, G, S, A);
  });
}
