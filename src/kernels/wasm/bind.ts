import type { FloatArray } from "../../tensor/dtype.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Helpers shared by the kernel bindings. A binding sends Float64 storage (gradient checks) to the
 * JS reference and Float32 storage to the module, through `rt.in` / `rt.out`, whose scratch is
 * copied back and freed by `rt.release()` after each call.
 */

/** Float32 storage, which the module runs on. */
export const f32 = (a: FloatArray): a is Float32Array => a instanceof Float32Array;

/** An optional array (an output that may be absent): null or Float32 storage. */
export const f32OrNull = (a: FloatArray | null): a is Float32Array | null => a === null || a instanceof Float32Array;

type AnyFn = (...args: unknown[]) => unknown;

/**
 * The kernels, each wrapped once (at bind time) so that every call ends with `rt.release()`,
 * also when it throws: the bindings only marshal and call.
 */
export function released(rt: WasmRuntime, kernels: Partial<Kernels>): Partial<Kernels> {
  const out: Record<string, unknown> = {};
  for (const [name, k] of Object.entries(kernels)) {
    if (typeof k !== "function") {
      out[name] = k;
      continue;
    }
    const fn = k as AnyFn;
    out[name] = (...args: unknown[]): unknown => {
      try {
        return fn(...args);
      } finally {
        rt.release();
      }
    };
  }
  return out as Partial<Kernels>;
}
