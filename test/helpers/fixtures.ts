import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { Tensor } from "../../src/tensor/tensor.js";

/** A tensor as stored in the PyTorch fixtures: flat row-major data plus shape. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface TorchFixture {
  op: string;
  description: string;
  inputs: Record<string, FixtureTensor | number | boolean | string>;
  params: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}

/** Load test/fixtures/torch/<name>.json (copied from ../shared/fixtures/torch). */
export function loadFixture(name: string): TorchFixture {
  const path = fileURLToPath(new URL(`../fixtures/torch/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as TorchFixture;
}

export function fixtureTensor(t: unknown, requiresGrad = false): Tensor {
  const ft = t as FixtureTensor;
  return Tensor.from(ft.data, ft.shape, requiresGrad);
}

export function fixtureInts(t: unknown): Int32Array {
  return Int32Array.from((t as FixtureTensor).data);
}

export function fixtureMask(t: unknown): Uint8Array {
  return Uint8Array.from((t as FixtureTensor).data);
}

/**
 * The fixtures' tolerance: |got − want| ≤ 1e-4·|want| + 1e-5 for every element
 * (float32 against PyTorch's float64 reference), and equal shapes where given.
 */
export function expectClose(got: ArrayLike<number>, want: FixtureTensor | ArrayLike<number>, label: string, rtol = 1e-4, atol = 1e-5): void {
  const w = "data" in (want as FixtureTensor) ? (want as FixtureTensor).data : Array.from(want as ArrayLike<number>);
  expect(got.length, `${label}: element count`).toBe(w.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < w.length; i++) {
    const err = Math.abs(got[i]! - w[i]!) - (rtol * Math.abs(w[i]!) + atol);
    if (!(err <= 0) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label}: element ${worst} is ${got[worst]} but PyTorch gives ${w[worst]}`);
  }
}

/** L = Σ out ⊙ R as in the fixtures: backpropagate R into the graph. */
export function backwardWithR(out: Tensor, R: unknown): void {
  const r = (R as FixtureTensor).data;
  out.backward(out.data instanceof Float64Array ? Float64Array.from(r) : Float32Array.from(r));
}

/** Compare each tensor's gradient with the fixture's `d_<name>` (e.g. { x, weight, bias }). */
export function expectFixtureGrads(fx: TorchFixture, tensors: Record<string, Tensor>): void {
  for (const [name, t] of Object.entries(tensors)) {
    const want = fx.grads[`d_${name}`];
    if (!want) expect.fail(`fixture ${fx.op} has no gradient d_${name}`);
    if (!t.grad) expect.fail(`d_${name}: the tensor received no gradient`);
    expectClose(t.grad, want, `d_${name}`);
  }
}
