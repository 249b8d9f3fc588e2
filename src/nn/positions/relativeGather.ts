import { gradSink, record } from "../../autograd/tape.js";
import { shapeError } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * The two index maps of relative attention, each the other's adjoint, with `buckets` [T·S]
 * from relativeBuckets (values in [0, R)):
 *  - gatherRelative: x [N, T, R] → out [N, T, S], out[n,i,j] = x[n, i, bucket(i,j)]
 *    (per-distance scores q_i·a_r spread over the key positions);
 *  - scatterRelative: w [N, T, S] → out [N, T, R], out[n,i,r] = Σ_{j: bucket(i,j)=r} w[n,i,j]
 *    (attention weights summed per distance, to be multiplied with the value table).
 */
export function gatherRelative(x: Tensor, buckets: Int32Array, keys: number): Tensor {
  if (x.ndim !== 3 || buckets.length !== x.shape[1]! * keys) throw shapeError("gatherRelative", `expected x [N, T, R] and ${buckets.length} = T×${keys} buckets`, x.shape);
  const [N, T, R] = x.shape as [number, number, number];
  checkBuckets("gatherRelative", buckets, R);
  const out = Tensor.zeros([N, T, keys]);
  const X = x.data;
  const O = out.data;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const xo = (n * T + i) * R;
      const oo = (n * T + i) * keys;
      for (let j = 0; j < keys; j++) O[oo + j] = X[xo + buckets[i * keys + j]!]!;
    }
  }
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < T; i++) {
        const xo = (n * T + i) * R;
        const oo = (n * T + i) * keys;
        for (let j = 0; j < keys; j++) gx[xo + buckets[i * keys + j]!]! += g[oo + j]!;
      }
    }
  });
}

export function scatterRelative(w: Tensor, buckets: Int32Array, numBuckets: number): Tensor {
  if (w.ndim !== 3 || buckets.length !== w.shape[1]! * w.shape[2]!) throw shapeError("scatterRelative", `expected w [N, T, S] with T·S = ${buckets.length}`, w.shape);
  const [N, T, S] = w.shape as [number, number, number];
  checkBuckets("scatterRelative", buckets, numBuckets);
  const out = Tensor.zeros([N, T, numBuckets]);
  const W = w.data;
  const O = out.data;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < T; i++) {
      const wo = (n * T + i) * S;
      const oo = (n * T + i) * numBuckets;
      for (let j = 0; j < S; j++) O[oo + buckets[i * S + j]!]! += W[wo + j]!;
    }
  }
  return record(out, [w], (g) => {
    const gw = gradSink(w)!;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < T; i++) {
        const wo = (n * T + i) * S;
        const oo = (n * T + i) * numBuckets;
        for (let j = 0; j < S; j++) gw[wo + j]! += g[oo + buckets[i * S + j]!]!;
      }
    }
  });
}

function checkBuckets(op: string, buckets: Int32Array, numBuckets: number): void {
  for (const b of buckets) if (b < 0 || b >= numBuckets) throw new Error(`${op}: bucket ${b} is out of range [0, ${numBuckets})`);
}
