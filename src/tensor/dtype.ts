/**
 * Storage element type. Training runs in float32. Gradient checks switch to float64 (inside
 * `withFloat64`) so finite differences are exact enough to compare against backward at 1e-6
 * instead of the ~1e-2 that float32 central differences allow.
 */
export type FloatArray = Float32Array | Float64Array;

let useFloat64 = false;

/** A zero-filled float array of the current dtype. */
export function allocFloat(n: number): FloatArray {
  return useFloat64 ? new Float64Array(n) : new Float32Array(n);
}

/** Copy numbers into a new array of the current dtype. */
export function floatFrom(values: ArrayLike<number>): FloatArray {
  return useFloat64 ? Float64Array.from(values) : Float32Array.from(values);
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
