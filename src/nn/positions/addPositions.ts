import { add, slice } from "../../ops/index.js";
import { shapeError } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** x [B, T, d] + table[offset … offset+T−1] ([maxLen, d] table, broadcast over the batch). */
export function addPositions(x: Tensor, table: Tensor, offset = 0): Tensor {
  const [maxLen, d] = table.shape as [number, number];
  const T = x.shape[x.ndim - 2]!;
  if (x.ndim !== 3 || x.shape[2] !== d) throw shapeError("addPositions", `expected x [B, T, ${d}]`, x.shape, table.shape);
  if (!(Number.isInteger(offset) && offset >= 0 && offset + T <= maxLen)) {
    throw new Error(`addPositions: positions ${offset}…${offset + T - 1} exceed the table's ${maxLen} (raise maxPositions)`);
  }
  return add(x, slice(table, 0, offset, offset + T));
}
