import { windowAttentionBackward as jsBackward, windowAttentionForward as jsForward, windowLayout } from "../js/windowAttention.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** Sliding-window (Longformer) attention forward and backward on the C kernels of c/window.c; Float64 storage goes to the JS reference. */
export function bindWindow(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const windowAttentionForward: Kernels["windowAttentionForward"] = (q, k, v, keyMask, probs, out, geo) => {
    if (!f32(q) || !f32(k) || !f32(v) || !f32(probs) || !f32(out)) {
      jsForward(q, k, v, keyMask, probs, out, geo);
      return;
    }
    const { N, T, S, d, dv, heads } = geo;
    if (N <= 0 || T <= 0) return;
    const { rowSize } = windowLayout(geo);
    f.window_attention_forward!(
      rt.in(q, 0, N * T * d), rt.in(k, 0, N * S * d), rt.in(v, 0, N * S * dv),
      keyMask ? rt.in(keyMask, 0, (N / heads) * S) : 0,
      rt.out(probs, 0, N * rowSize, false), rt.out(out, 0, N * T * dv, false),
      N, T, S, d, dv, geo.window, geo.global, geo.causal ? 1 : 0, geo.queryStart, heads, geo.scale,
    );
  };

  const windowAttentionBackward: Kernels["windowAttentionBackward"] = (gOut, q, k, v, probs, dq, dk, dv, scratch, geo) => {
    if (!f32(gOut) || !f32(q) || !f32(k) || !f32(v) || !f32(probs) || !f32OrNull(dq) || !f32OrNull(dk) || !f32OrNull(dv)) {
      jsBackward(gOut, q, k, v, probs, dq, dk, dv, scratch, geo);
      return;
    }
    const { N, T, S, d, dv: dV } = geo;
    if (N <= 0 || T <= 0 || (!dq && !dk && !dv)) return;
    const { rowSize, band } = windowLayout(geo);
    f.window_attention_backward!(
      rt.in(gOut, 0, N * T * dV), rt.in(q, 0, N * T * d), rt.in(k, 0, N * S * d), rt.in(v, 0, N * S * dV),
      rt.in(probs, 0, N * rowSize),
      dq ? rt.out(dq, 0, N * T * d) : 0, dk ? rt.out(dk, 0, N * S * d) : 0, dv ? rt.out(dv, 0, N * S * dV) : 0,
      rt.work(4 * Math.max(band, S, 1)), N, T, S, d, dV, geo.window, geo.global, geo.causal ? 1 : 0, geo.queryStart, geo.scale,
    );
  };

  return released(rt, { windowAttentionForward, windowAttentionBackward });
}
