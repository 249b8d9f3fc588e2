/**
 * Conformance of the sparse-normaliser and top-k kernels (sparsemaxRows, entmax15Rows,
 * entmaxBisectRows, their backwards, topKMaskRows). Every set runs the TypeScript kernels of
 * js/entmax.ts, so each set must give the js reference's bits exactly, with its arrays in kernel
 * memory (views on the WebAssembly memory) or on the JS heap.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo: number, hi: number) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;

function run(k: Kernels, rows: number, cols: number, seed: number, place: (a: Float32Array) => Float32Array): number[][] {
  const rand = seeded(seed);
  const n = rows * cols;
  const mask = new Uint8Array(n).map(() => (rand() < 0.3 ? 1 : 0));
  mask.fill(1, 0, cols);
  const x = place(f32(n, rand, -4, 4));
  const dy = place(f32(n, rand, -1, 1));
  const alpha = place(Float32Array.of(1.3, 2.5));
  const outs: Float32Array[] = [];
  for (const forward of [
    (o: Float32Array) => k.sparsemaxRows(x, o, rows, cols, mask),
    (o: Float32Array) => k.entmax15Rows(x, o, rows, cols, mask),
    (o: Float32Array) => k.entmaxBisectRows(x, o, rows, cols, mask, alpha, 2),
  ]) {
    const y = place(new Float32Array(n).fill(NaN));
    forward(y);
    const dx = place(new Float32Array(n));
    k.entmaxBackwardRows(y, dy, dx, rows, cols, alpha, 2);
    const dAlpha = place(new Float32Array(2));
    k.entmaxAlphaBackwardRows(y, dy, dAlpha, rows, cols, alpha, 2);
    outs.push(y, dx, dAlpha);
  }
  const keep = new Uint8Array(n);
  k.topKMaskRows(x, mask, keep, rows, cols, 2);
  return [...outs.map((a) => Array.from(a)), Array.from(keep)];
}

describe.each(fastKernelSets())("sparse normaliser kernels: $name", ({ kernels: k }) => {
  it("give the js reference's bits, in kernel memory and on the heap; no NaN", () => {
    let seed = 1;
    for (const cols of [1, 2, 3, 7, 31]) {
      for (const rows of [1, 4, 9]) {
        const want = run(reference.kernels, rows, cols, seed, (a) => a.slice());
        expect(run(k, rows, cols, seed, (a) => inKernelMemory(arena, a))).toEqual(want);
        expect(run(k, rows, cols, seed, (a) => a.slice())).toEqual(want);
        for (const a of want) expect(a.every((v) => !Number.isNaN(v)), `rows=${rows} cols=${cols}`).toBe(true);
        seed++;
      }
    }
  });
});
