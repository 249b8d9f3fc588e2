import type { Kernels } from "../types.js";
import { released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** The dropout mask on c/random.c (same bits as the JS reference: integer steps and one exact division). */
export function bindRandom(rt: WasmRuntime): Partial<Kernels> {
  const draw = rt.fn["dropout_mask"]!;
  const dropoutMask: Kernels["dropoutMask"] = (state, mask, n, p) => {
    if (n <= 0) return;
    const ps = rt.work(16);
    // Shared memory: the view stays valid across the call, so it carries the state both ways.
    const words = new Uint32Array(rt.mem.buffer, ps, 4);
    words.set(state);
    draw(ps, rt.out(mask, 0, n, false), n, p);
    state.set(words);
  };
  return released(rt, { dropoutMask });
}
