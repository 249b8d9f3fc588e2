import { expect } from "vitest";
import { gradCheck } from "../../src/autograd/gradcheck.js";
import type { Module } from "../../src/nn/module.js";
import { addN, concat, mul, reshape, sum } from "../../src/ops/index.js";
import type { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectClose, fixtureTensor, type TorchFixture } from "../helpers/fixtures.js";

/**
 * Parity with a PyTorch fixture: load its params into `m` by state_dict name (strictly), run
 * `forward` on the named float inputs (with grad), compare every output, backpropagate the
 * fixture's loss (Σ out ⊙ R, or Σ_k out_k ⊙ R_<k> with several outputs) and compare the
 * gradient of every input and every parameter.
 */
export function expectFixtureParity(fx: TorchFixture, m: Module, inputNames: string[], forward: (inputs: Record<string, Tensor>) => Record<string, Tensor>): void {
  m.loadStateDict(new Map(Object.entries(fx.params).map(([k, v]) => [k, fixtureTensor(v)])));
  const inputs = Object.fromEntries(inputNames.map((n) => [n, fixtureTensor(fx.inputs[n], true)]));
  const outputs = forward(inputs);
  const outNames = Object.keys(fx.outputs);
  expect(Object.keys(outputs).sort()).toEqual([...outNames].sort());
  for (const n of outNames) {
    expect(outputs[n]!.shape, `${n} shape`).toEqual(fx.outputs[n]!.shape);
    expectClose(outputs[n]!.data, fx.outputs[n]!, n);
  }
  const single = outNames.length === 1 && "R" in fx.inputs;
  addN(outNames.map((n) => sum(mul(outputs[n]!, fixtureTensor(fx.inputs[single ? "R" : `R_${n}`]))))).backward();
  for (const n of inputNames) expectClose(inputs[n]!.grad!, fx.grads[`d_${n}`]!, `d_${n}`);
  for (const [name, p] of m.namedParameters()) expectClose(p.grad!, fx.grads[`d_${name}`]!, `d_${name}`);
}

/** Several outputs flattened into one tensor, for gradCheck. */
export function flatConcat(ts: Tensor[]): Tensor {
  return concat(ts.map((t) => reshape(t, [t.size])), 0);
}

export function randn(shape: number[], rng: Rng, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t;
}

/** gradCheck that fails the test with the worst element in the message. */
export function expectGradCheck(f: () => Tensor, inputs: Tensor[]): void {
  const r = gradCheck(f, inputs);
  expect(r.ok, r.worst).toBe(true);
}
