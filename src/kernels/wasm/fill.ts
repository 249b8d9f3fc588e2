import { setBulkFill } from "../../tensor/storage.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";
import { runSplit } from "./rangeSplit.js";

/**
 * Bytes per thread below which a fill (zeroing a gradient or a fresh arena block) stays on one
 * thread: a memset runs at several bytes per ns, so a piece must be this large to outweigh the
 * ~15 µs hand-off.
 */
const FILL_MIN_BYTES_PER_THREAD = 1 << 20;

/**
 * The tensor layer's bulk fill (storage.ts setBulkFill) on the kernel threads: large fills, such
 * as zeroing the output layer's weight gradient every step, are cut into byte ranges, one memset
 * each. A fill writes the same bytes however it is cut. The runtime installs the one-thread fill
 * when it loads; this replaces it once the kernels are bound. It binds no kernel itself.
 */
export function bindFill(rt: WasmRuntime): Partial<Kernels> {
  const fill = rt.fn["fill_bytes"]!;
  setBulkFill((ptr, value, bytes) => {
    if (bytes < 2 * FILL_MIN_BYTES_PER_THREAD) fill(ptr, value, bytes);
    else runSplit(rt, "fill_bytes", bytes, FILL_MIN_BYTES_PER_THREAD, 64, (s, c) => [ptr + s, value, c]);
  });
  return {};
}
