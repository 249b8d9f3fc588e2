import { activeArena } from "./storage.js";

/**
 * Storage element type. Training runs in float32. Gradient checks switch to float64 (inside
 * `withFloat64`) so finite differences are exact enough to compare against backward at 1e-6
 * instead of the ~1e-2 that float32 central differences allow.
 */
export type FloatArray = Float32Array | Float64Array;

let useFloat64 = false;

/**
 * A zero-filled float array of the current dtype. Float32 storage comes from the active arena
 * (kernel memory, released at its reset) when one is open, else from the JS heap (storage.ts).
 */
export function allocFloat(n: number): FloatArray {
  if (useFloat64) return new Float64Array(n);
  const arena = activeArena();
  return arena ? arena.floats(n) : new Float32Array(n);
}

/**
 * A float array of the current dtype whose contents are unspecified (NaN under
 * ATTN_ARENA_POISON=1), for an output its kernel writes in full. Zero-filled off the arena.
 */
export function allocFloatUninit(n: number): FloatArray {
  if (useFloat64) return new Float64Array(n);
  const arena = activeArena();
  return arena ? arena.uninitFloats(n) : new Float32Array(n);
}

/** Copy numbers into a new array of the current dtype (from the active arena, like allocFloat). */
export function floatFrom(values: ArrayLike<number>): FloatArray {
  if (useFloat64) return Float64Array.from(values);
  const arena = activeArena();
  if (!arena) return Float32Array.from(values);
  const a = arena.floats(values.length);
  a.set(values);
  return a;
}

export function isFloat64Mode(): boolean {
  return useFloat64;
}

/** Run `fn` with new tensors created in float64 (for gradient checks). */
export function withFloat64<T>(fn: () => T): T {
  const prev = useFloat64;
  useFloat64 = true;
  try {
    return fn();
  } finally {
    useFloat64 = prev;
  }
}
