import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
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
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < V)) throw new Error(`gatherRows: id ${id} at position ${i} is out of range [0, ${V})`);
  }
  const out = Tensor.zeros([...idsShape, D]);
  const K = kernels();
  K.gatherRows(weight.data, 0, ids, 0, out.data, 0, ids.length, D);
  // No id equals a padding index outside [0, V), so none is skipped then (-1).
  const skip = paddingIdx !== null && paddingIdx >= 0 && paddingIdx < V ? paddingIdx : -1;
  return record(out, [weight], (g) => {
    K.scatterAddRows(g, 0, ids, 0, gradSink(weight)!, 0, ids.length, D, skip);
  });
}
