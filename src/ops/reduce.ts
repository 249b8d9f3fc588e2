import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { normAxis } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** View a shape as [outer, dim, inner] around `axis`. */
export function splitAtAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

function reduceAxis(op: string, x: Tensor, axis: number, keepDim: boolean, scale: (dim: number) => number): Tensor {
  const ax = normAxis(op, axis, x.ndim);
  const [outer, dim, inner] = splitAtAxis(x.shape, ax);
  const outShape = keepDim ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  const out = Tensor.zeros(outShape);
  const s = scale(dim);
  const K = kernels();
  K.sumAxis(x.data, 0, out.data, 0, outer, dim, inner, s);
  return record(out, [x], (g) => {
    K.sumAxisBackward(g, 0, gradSink(x)!, 0, outer, dim, inner, s);
  });
}

/** Sum over one axis, or over everything (a scalar) when `axis` is omitted. */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  if (axis === undefined) return reduceAxis("sum", flatten(x), 0, false, () => 1);
  return reduceAxis("sum", x, axis, keepDim, () => 1);
}

/** Mean over one axis, or over everything when `axis` is omitted. */
export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  if (axis === undefined) return reduceAxis("mean", flatten(x), 0, false, (d) => 1 / d);
  return reduceAxis("mean", x, axis, keepDim, (d) => 1 / d);
}

function flatten(x: Tensor): Tensor {
  const out = new Tensor(x.data, [x.size]);
  return record(out, [x], (g) => {
    kernels().axpy(g.length, 1, g, 0, gradSink(x)!, 0);
  });
}
