import { expect } from "vitest";
import type { FloatArray } from "../../src/tensor/dtype.js";

/** Max |a − b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Right padding mask [B·S] (1 = pad) from lengths. */
export function padMask(lengths: readonly number[], S: number): Uint8Array {
  const m = new Uint8Array(lengths.length * S);
  lengths.forEach((len, b) => m.fill(1, b * S + len, (b + 1) * S));
  return m;
}

/** Rows [from, to) along axis 1 of a [B, L, F] array, flattened. */
export function rowsOf(data: FloatArray, shape: readonly number[], from: number, to: number): number[] {
  const [B, L, F] = shape as [number, number, number];
  const out: number[] = [];
  for (let b = 0; b < B; b++) out.push(...data.subarray((b * L + from) * F, (b * L + to) * F));
  return out;
}

/** True when every value is finite. */
export function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}
