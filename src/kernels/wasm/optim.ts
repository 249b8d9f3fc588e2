import type { FloatArray } from "../../tensor/dtype.js";
import { adamStep as jsAdam, maxAbs as jsMaxAbs, scaleInPlace as jsScale, sgdStep as jsSgd, sumAbs as jsSumAbs, sumSquares as jsSumSquares } from "../js/optim.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";
import { runSplit } from "./rangeSplit.js";

/** Elements per thread below which an update stays on one thread (the hand-off costs ~15 µs; Adam does ~1 element/ns). */
const ADAM_MIN_PER_THREAD = 1 << 15;
/** The same for scaling in place (memory-bound, a few elements per ns). */
const SCALE_MIN_PER_THREAD = 1 << 17;

/**
 * Optimizer updates and gradient-norm pieces on the C kernels of c/optim.c. Parameters,
 * gradients and optimizer state normally live in persistent kernel memory, so the update runs in
 * place with no copy; anything else is copied in and out by the runtime. Float64 storage
 * (gradient checks) goes to the JS reference.
 */
export function bindOptim(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const adamStep: Kernels["adamStep"] = (p, g, m, v, vMax, n, beta1, beta2, eps, l2, shrink, stepSize, bc2Sqrt) => {
    if (!f32(p) || !f32(g) || !f32(m) || !f32(v) || !f32OrNull(vMax)) {
      jsAdam(p, g, m, v, vMax, n, beta1, beta2, eps, l2, shrink, stepSize, bc2Sqrt);
      return;
    }
    if (n <= 0) return;
    const pp = rt.out(p, 0, n), pg = rt.in(g, 0, n), pm = rt.out(m, 0, n), pv = rt.out(v, 0, n), px = vMax ? rt.out(vMax, 0, n) : 0;
    runSplit(rt, "adam_step", n, ADAM_MIN_PER_THREAD, 4, (s, c) => [
      pp + 4 * s, pg + 4 * s, pm + 4 * s, pv + 4 * s, px ? px + 4 * s : 0, c,
      beta1, beta2, eps, l2, shrink, stepSize, bc2Sqrt,
    ]);
  };

  const sgdStep: Kernels["sgdStep"] = (p, g, buf, n, lr, momentum, dampening, nesterov, weightDecay, first) => {
    if (!f32(p) || !f32(g) || !f32OrNull(buf)) {
      jsSgd(p, g, buf, n, lr, momentum, dampening, nesterov, weightDecay, first);
      return;
    }
    if (n <= 0) return;
    const bp = buf && momentum !== 0 ? rt.out(buf, 0, n, !first) : 0;
    f.sgd_step!(rt.out(p, 0, n), rt.in(g, 0, n), bp, n, lr, momentum, dampening, nesterov ? 1 : 0, weightDecay, first ? 1 : 0);
  };

  /** A reduction over x[off .. off+n) returning a number. */
  const reduction = (name: string, js: (x: FloatArray, off: number, n: number) => number) =>
    (x: FloatArray, off: number, n: number): number => {
      if (!f32(x)) return js(x, off, n);
      if (n <= 0) return 0;
      return f[name]!(rt.in(x, off, n), n) as number;
    };

  const scaleInPlace: Kernels["scaleInPlace"] = (x, off, n, s) => {
    if (!f32(x)) {
      jsScale(x, off, n, s);
      return;
    }
    if (n <= 0) return;
    const px = rt.out(x, off, n);
    runSplit(rt, "scale_in_place", n, SCALE_MIN_PER_THREAD, 4, (st, c) => [px + 4 * st, c, s]);
  };

  return released(rt, {
    adamStep,
    sgdStep,
    sumSquares: reduction("sum_squares", jsSumSquares),
    sumAbs: reduction("sum_abs", jsSumAbs),
    maxAbs: reduction("max_abs", jsMaxAbs),
    scaleInPlace,
  });
}
