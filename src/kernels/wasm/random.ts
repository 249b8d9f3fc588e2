import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/** The dropout mask on c/random.c (same bits as the JS reference: integer steps and one exact division). */
export function bindRandom(rt: WasmRuntime): Partial<Kernels> {
  const draw = rt.fn["dropout_mask"]!;
  const dropoutMask: Kernels["dropoutMask"] = (state, mask, n, p) => {
    if (n <= 0) return;
    try {
      const ps = rt.work(16);
      const words = new Uint32Array(rt.mem.buffer, ps, 4);
      words.set(state);
      draw(ps, rt.outBytes(mask, n), n, p);
      state.set(new Uint32Array(rt.mem.buffer, ps, 4));
    } finally {
      rt.release();
    }
  };
  return { dropoutMask };
}
