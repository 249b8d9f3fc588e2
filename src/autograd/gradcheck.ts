import { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "./tape.js";

export interface GradCheckOptions {
  /** Central-difference step. */
  eps?: number;
  /** Pass when |analytic − numeric| ≤ atol + rtol·|numeric| for every element. */
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface GradCheckResult {
  ok: boolean;
  maxAbsError: number;
  /** Where the worst element is, e.g. "input 1 [17]". */
  worst: string;
}

/**
 * Finite-difference check of backward. `f` maps the inputs to an output tensor of any shape; the
 * scalar checked is L = Σ f(inputs) ⊙ R for a fixed random R (the convention of the PyTorch
 * fixtures). Inputs must be float64 (build them inside `withFloat64`): there central differences
 * with eps = 1e-6 are accurate to ~1e-9, so the default tolerance 1e-6 catches real mistakes,
 * where float32 would only allow ~1e-2.
 */
export function gradCheck(f: () => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): GradCheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  for (const t of inputs) {
    if (!(t.data instanceof Float64Array)) throw new Error("gradCheck: inputs must be float64 (create them inside withFloat64)");
    t.requiresGrad = true;
    t.grad = null;
  }
  const out = f();
  const rng = new Rng(opts.seed ?? 1234);
  const R = new Float64Array(out.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.uniform(-1, 1);
  out.backward(R);
  const loss = (): number =>
    noGrad(() => {
      const y = f();
      let s = 0;
      for (let i = 0; i < y.size; i++) s += y.data[i]! * R[i]!;
      return s;
    });
  let maxAbsError = 0;
  let worst = "";
  let ok = true;
  inputs.forEach((t, ti) => {
    const analytic = t.grad ?? new Float64Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const orig = t.data[i]!;
      t.data[i] = orig + eps;
      const lp = loss();
      t.data[i] = orig - eps;
      const lm = loss();
      t.data[i] = orig;
      const numeric = (lp - lm) / (2 * eps);
      const err = Math.abs(analytic[i]! - numeric);
      if (err > maxAbsError) {
        maxAbsError = err;
        worst = `input ${ti} [${i}]: analytic ${analytic[i]} vs numeric ${numeric}`;
      }
      if (!(err <= atol + rtol * Math.abs(numeric))) ok = false;
    }
  });
  return { ok, maxAbsError, worst };
}
