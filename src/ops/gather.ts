import { gradSink, record } from "../autograd/tape.js";
import { shapeError, shapeSize } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Row gather (embedding lookup): out[..., :] = weight[ids[...], :], shape [...idsShape, D].
 * Backward scatter-adds into the weight gradient; rows equal to `paddingIdx` get no gradient
 * (PyTorch's nn.Embedding padding_idx).
 */
export function gatherRows(weight: Tensor, ids: Int32Array, idsShape: readonly number[], paddingIdx: number | null = null): Tensor {
  if (weight.ndim !== 2) throw shapeError("gatherRows", "weight must be 2-D [rows, dim]", weight.shape);
  if (shapeSize(idsShape) !== ids.length) throw new Error(`gatherRows: ids has ${ids.length} entries, idsShape [${idsShape.join(", ")}] needs ${shapeSize(idsShape)}`);
  const [V, D] = weight.shape as [number, number];
  const out = Tensor.zeros([...idsShape, D]);
  const W = weight.data;
  const O = out.data;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= V) throw new Error(`gatherRows: id ${id} at position ${i} is out of range [0, ${V})`);
    O.set(W.subarray(id * D, id * D + D), i * D);
  }
  return record(out, [weight], (g) => {
    const gw = gradSink(weight)!;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === paddingIdx) continue;
      const wo = id * D;
      const go = i * D;
      for (let j = 0; j < D; j++) gw[wo + j] += g[go + j]!;
    }
  });
}
