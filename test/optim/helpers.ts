import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Tensor } from "../../src/tensor/tensor.js";

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface Fixture {
  op: string;
  inputs: Record<string, FixtureTensor | number | boolean | string>;
  outputs: Record<string, FixtureTensor>;
}

/** A PyTorch reference case from test/fixtures/torch (see /work/shared/fixtures/torch/README.md). */
export function loadFixture(name: string): Fixture {
  const url = new URL(`../fixtures/torch/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Fixture;
}

export function fixtureTensor(f: Fixture, key: string): FixtureTensor {
  const t = f.inputs[key] ?? f.outputs[key];
  if (typeof t !== "object" || t === null) throw new Error(`fixture ${f.op}: no tensor '${key}'`);
  return t;
}

export function fixtureNumber(f: Fixture, key: string): number {
  const v = f.inputs[key];
  if (typeof v !== "number") throw new Error(`fixture ${f.op}: no number '${key}'`);
  return v;
}

/** A float32 tensor (requiresGrad) with a fixture's values. */
export function paramFrom(t: FixtureTensor): Tensor {
  return Tensor.from(t.data, t.shape, true);
}

/** Element-wise |got - want| <= rtol * |want| + atol, reporting the first failing index. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4, atol = 1e-5, what = ""): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Math.abs(g - w) <= rtol * Math.abs(w) + atol)) {
      expect.fail(`${what}[${i}]: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** A float32 parameter with the given values and a gradient buffer set to `grad`. */
export function paramWithGrad(values: number[], grad: number[] | null, shape: number[] = [values.length]): Tensor {
  const p = Tensor.from(values, shape, true);
  p.grad = grad ? Float32Array.from(grad) : null;
  return p;
}
