import { gradSink, record } from "../autograd/tape.js";
import { normAxis, shapeError, shapesEqual, shapeSize, type Shape } from "../tensor/shape.js";
import { kernels } from "../kernels/index.js";
import { Tensor } from "../tensor/tensor.js";
import { splitAtAxis } from "./reduce.js";

/** Same data, new shape (one dimension may be -1). Shares storage; backward passes the gradient through. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const dims = [...shape];
  const free = dims.indexOf(-1);
  if (free >= 0) {
    const known = dims.reduce((p, d, i) => (i === free ? p : p * d), 1);
    dims[free] = known === 0 ? 0 : x.size / known;
  }
  if (shapeSize(dims) !== x.size || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw shapeError("reshape", "element counts differ", x.shape, shape);
  }
  const out = new Tensor(x.data, dims);
  return record(out, [x], (g) => {
    kernels().axpy(g.length, 1, g, 0, gradSink(x)!, 0);
  });
}

/** Swap the last two axes (a copy). */
export function transpose(x: Tensor): Tensor {
  if (x.ndim < 2) throw shapeError("transpose", "needs at least 2 dimensions", x.shape);
  const r = x.shape[x.ndim - 2]!;
  const c = x.shape[x.ndim - 1]!;
  const batch = x.size / (r * c || 1);
  const out = Tensor.empty([...x.shape.slice(0, -2), c, r]); // a permutation: every element written
  const K = kernels();
  K.transposeBatched(x.data, 0, out.data, 0, batch, r, c, false);
  // The gradient is the transpose back: g is [batch, c, r].
  return record(out, [x], (g) => K.transposeBatched(g, 0, gradSink(x)!, 0, batch, c, r, true));
}

/** Join tensors along `axis`; all other dimensions must match. */
export function concat(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error("concat: needs at least one tensor");
  const first = xs[0]!;
  const ax = normAxis("concat", axis, first.ndim);
  let total = 0;
  for (const x of xs) {
    if (x.ndim !== first.ndim || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw shapeError("concat", `shapes differ outside axis ${ax}`, first.shape, x.shape);
    }
    total += x.shape[ax]!;
  }
  const outShape = first.shape.map((d, i) => (i === ax ? total : d));
  const out = Tensor.zeros(outShape);
  const [outer, , inner] = splitAtAxis(outShape, ax);
  const O = out.data;
  const K = kernels();
  const rowOut = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const x of xs) {
    offsets.push(offset);
    const w = x.shape[ax]! * inner;
    const X = x.data;
    for (let o = 0; o < outer; o++) K.copyFloats(X, o * w, O, o * rowOut + offset, w);
    offset += w;
  }
  return record(out, xs, (g) => {
    xs.forEach((x, idx) => {
      const gx = gradSink(x);
      if (!gx) return;
      const w = x.shape[ax]! * inner;
      const off = offsets[idx]!;
      for (let o = 0; o < outer; o++) K.axpy(w, 1, g, o * rowOut + off, gx, o * w);
    });
  });
}

/** Elements [start, end) along `axis` (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis("slice", axis, x.ndim);
  const dim = x.shape[ax]!;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= dim)) {
    throw shapeError("slice", `range [${start}, ${end}) is out of bounds for axis ${ax} of size ${dim}`, x.shape);
  }
  const [outer, , inner] = splitAtAxis(x.shape, ax);
  const outShape = x.shape.map((d, i) => (i === ax ? end - start : d));
  const out = Tensor.empty(outShape); // one copy per outer index covers it
  const w = (end - start) * inner;
  const rowIn = dim * inner;
  const X = x.data;
  const O = out.data;
  const K = kernels();
  for (let o = 0; o < outer; o++) K.copyFloats(X, o * rowIn + start * inner, O, o * w, w);
  return record(out, [x], (g) => {
    const gx = gradSink(x)!;
    for (let o = 0; o < outer; o++) K.axpy(w, 1, g, o * w, gx, o * rowIn + start * inner);
  });
}

/** Split along `axis` into pieces of the given sizes. */
export function split(x: Tensor, sizes: number[], axis: number): Tensor[] {
  const ax = normAxis("split", axis, x.ndim);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== x.shape[ax]) throw shapeError("split", `sizes [${sizes.join(", ")}] do not add up to ${x.shape[ax]} along axis ${ax}`, x.shape);
  const parts: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    parts.push(slice(x, ax, start, start + s));
    start += s;
  }
  return parts;
}

/** Stack same-shape tensors along a new axis. */
export function stack(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error("stack: needs at least one tensor");
  const first = xs[0]!;
  for (const x of xs) if (!shapesEqual(x.shape, first.shape)) throw shapeError("stack", "all shapes must be equal", first.shape, x.shape);
  const ax = normAxis("stack", axis, first.ndim + 1);
  const expanded = [...first.shape.slice(0, ax), 1, ...first.shape.slice(ax)];
  return concat(xs.map((x) => reshape(x, expanded)), ax);
}
