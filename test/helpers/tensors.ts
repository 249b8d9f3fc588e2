import { expect } from "vitest";
import { gradCheck, type GradCheckOptions } from "../../src/autograd/gradcheck.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";

/**
 * Random test tensors and a gradient-check assertion. Tensors take the current dtype, so build
 * them inside `withFloat64` (or `gradCase`) when they feed a gradient check.
 */

/** Standard normal entries times `scale`. */
export function randn(shape: readonly number[], rng: Rng, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t;
}

/** Uniform entries in [low, high). */
export function randUniform(shape: readonly number[], rng: Rng, low: number, high: number): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(low, high);
  return t;
}

/**
 * Entries with magnitude in [min, max) and a random sign: keeps inputs of relu, div and the
 * like away from kinks and poles, where a central difference straddles a discontinuity.
 */
export function randAwayFromZero(shape: readonly number[], rng: Rng, min = 0.2, max = 2): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(min, max);
  return t;
}

/** Random 0/1 mask with P(1) = p. */
export function randMask(n: number, rng: Rng, p: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.next() < p ? 1 : 0;
  return m;
}

/**
 * Assert that backward of `f` agrees with central differences for every element of `inputs`.
 *
 * Tolerance rationale: inputs are float64 and gradCheck uses eps = 1e-6. The truncation error of
 * a central difference is O(eps²·|f'''|) ≈ 1e-12 and the rounding error O(1e-16·|L|/eps) ≈ 1e-10
 * for the O(1) losses here, so the default atol 1e-6 + rtol 1e-5 leaves four orders of margin,
 * while a wrong backward (a missing term, a transposed index, a lost broadcast sum) is off by
 * O(1e-2) or more.
 */
export function expectGradOk(f: () => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): void {
  const r = gradCheck(f, inputs, opts);
  expect(r.ok, `gradient check failed, worst ${r.worst} (max abs error ${r.maxAbsError})`).toBe(true);
}

/** Run `body` in float64 mode with a seeded Rng (the usual frame of a gradient-check test). */
export function gradCase(seed: number, body: (rng: Rng) => void): void {
  withFloat64(() => body(new Rng(seed)));
}
