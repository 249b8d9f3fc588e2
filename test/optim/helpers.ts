import { Tensor } from "../../src/tensor/tensor.js";
import type { FixtureTensor, TorchFixture } from "../helpers/fixtures.js";

export { expectClose, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

/** A named tensor of a fixture, looked up in `inputs` then `outputs`. */
export function fixtureEntry(f: TorchFixture, key: string): FixtureTensor {
  const t = f.inputs[key] ?? f.outputs[key];
  if (typeof t !== "object" || t === null) throw new Error(`fixture ${f.op}: no tensor '${key}'`);
  return t;
}

/** A scalar hyperparameter of a fixture. */
export function fixtureNumber(f: TorchFixture, key: string): number {
  const v = f.inputs[key];
  if (typeof v !== "number") throw new Error(`fixture ${f.op}: no number '${key}'`);
  return v;
}

/** A float32 parameter with the given values and its gradient set to `grad` (or null). */
export function paramWithGrad(values: number[], grad: number[] | null, shape: number[] = [values.length]): Tensor {
  const p = Tensor.from(values, shape, true);
  p.grad = grad ? Float32Array.from(grad) : null;
  return p;
}
