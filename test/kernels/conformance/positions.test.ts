/**
 * Conformance of the position kernels (rotaryForward/Backward, adaptiveSpanForward/Backward).
 * Every set runs the TypeScript kernels of js/positions.ts, so each must give the js reference's
 * bits exactly, with its arrays in kernel memory or on the JS heap.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { rotaryTables } from "../../../src/ops/rotary.js";
import { randomArray, seeded } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo: number, hi: number) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;

function run(k: Kernels, rows: number, T: number, seed: number, place: (a: Float32Array) => Float32Array): number[][] {
  const rand = seeded(seed);
  const [headDim, F] = [4, 10];
  const { cos, sin } = rotaryTables(3, T, headDim);
  const x = place(f32(rows * T * F, rand, -2, 2));
  const g = place(f32(rows * T * F, rand, -1, 1));
  const rotated = place(new Float32Array(rows * T * F).fill(NaN));
  k.rotaryForward(x, rotated, rows, T, F, headDim, 8, cos, sin);
  const dx = place(new Float32Array(rows * T * F));
  k.rotaryBackward(g, dx, rows, T, F, headDim, 8, cos, sin);
  // Weights of 2 heads × T queries over S = T + 2 keys, one span each.
  const S = T + 2;
  const n = rows * 2 * T * S;
  const w = place(f32(n, rand, 0, 1));
  const dy = place(f32(n, rand, -1, 1));
  const z = place(Float32Array.of(0.3, 0.8));
  const y = place(new Float32Array(n).fill(NaN));
  k.adaptiveSpanForward(w, y, z, rows * 2 * T, S, T, 2, 2, 5, 2);
  const dw = place(new Float32Array(n));
  const dz = place(new Float32Array(2));
  k.adaptiveSpanBackward(w, y, dy, z, dw, dz, rows * 2 * T, S, T, 2, 2, 5, 2);
  return [rotated, dx, y, dw, dz].map((a) => Array.from(a));
}

describe.each(fastKernelSets())("position kernels: $name", ({ kernels: k }) => {
  it("give the js reference's bits, in kernel memory and on the heap; no NaN", () => {
    let seed = 1;
    for (const rows of [1, 3]) {
      for (const T of [1, 2, 5]) {
        const want = run(reference.kernels, rows, T, seed, (a) => a.slice());
        expect(run(k, rows, T, seed, (a) => inKernelMemory(arena, a))).toEqual(want);
        expect(run(k, rows, T, seed, (a) => a.slice())).toEqual(want);
        for (const a of want) expect(a.every((v) => !Number.isNaN(v)), `rows=${rows} T=${T}`).toBe(true);
        seed++;
      }
    }
  });
});
