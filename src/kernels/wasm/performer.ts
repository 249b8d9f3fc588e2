import { performerCausalBackward as jsBackward, performerCausalForward as jsForward } from "../js/performer.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Causal Performer prefix sums on the C kernels of c/performer.c (float64 state, the reference's
 * bits); Float64 tensor storage goes to the JS reference. den (float64, [N·T]) and the float64
 * state are staged through kernel scratch.
 */
export function bindPerformer(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  /** `n` doubles of kernel scratch, optionally filled from `src`. */
  const doubles = (n: number, src?: ArrayLike<number>): { ptr: number; view: Float64Array } => {
    const ptr = rt.work(8 * Math.max(n, 1));
    const view = new Float64Array(rt.mem.buffer, ptr, n);
    if (src) view.set(src);
    return { ptr, view };
  };

  const performerCausalForward: Kernels["performerCausalForward"] = (fq, fk, v, out, den, N, T, S, m, dv, state) => {
    if (!f32(fq) || !f32(fk) || !f32(v) || !f32(out) || !(den instanceof Float64Array)) {
      jsForward(fq, fk, v, out, den, N, T, S, m, dv, state);
      return;
    }
    if (N <= 0 || T <= 0) return;
    const d = doubles(N * T);
    f.performer_causal_forward!(
      rt.in(fq, 0, N * T * m), rt.in(fk, 0, N * S * m), rt.in(v, 0, N * S * dv), rt.out(out, 0, N * T * dv, false),
      d.ptr, N, T, S, m, dv, doubles(m * dv + m).ptr,
    );
    den.set(d.view);
  };

  const performerCausalBackward: Kernels["performerCausalBackward"] = (gOut, fq, fk, v, out, den, dfq, dfk, dv, N, T, S, m, valueDim, state, gs) => {
    if (!f32(gOut) || !f32(fq) || !f32(fk) || !f32(v) || !f32(out) || !(den instanceof Float64Array) || !f32OrNull(dfq) || !f32OrNull(dfk) || !f32OrNull(dv)) {
      jsBackward(gOut, fq, fk, v, out, den, dfq, dfk, dv, N, T, S, m, valueDim, state, gs);
      return;
    }
    if (N <= 0 || T <= 0 || (!dfq && !dfk && !dv)) return;
    f.performer_causal_backward!(
      rt.in(gOut, 0, N * T * valueDim), rt.in(fq, 0, N * T * m), rt.in(fk, 0, N * S * m), rt.in(v, 0, N * S * valueDim),
      rt.in(out, 0, N * T * valueDim), doubles(N * T, den).ptr,
      dfq ? rt.out(dfq, 0, N * T * m) : 0, dfk ? rt.out(dfk, 0, N * S * m) : 0, dv ? rt.out(dv, 0, N * S * valueDim) : 0,
      N, T, S, m, valueDim, doubles(m * valueDim + m).ptr, doubles(valueDim + 1).ptr, doubles(valueDim).ptr,
    );
  };

  return released(rt, { performerCausalForward, performerCausalBackward });
}
