/** Copies for the shape ops: exact on every kernel set (no arithmetic but the transpose's add), any size, in or out of kernel memory. */
import { describe, expect, it } from "vitest";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";
import { randomArray, seeded } from "../helpers.js";

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("layout kernels", () => {
  for (const set of fastKernelSets()) {
    for (const [batch, rows, cols] of [[1, 1, 1], [1, 1, 33], [3, 5, 7], [2, 64, 33], [4, 13, 256], [0, 3, 3], [1, 100, 1]] as const) {
      it(`${set.name}: transpose ${batch}×${rows}×${cols} (set and accumulate) equals js bit for bit`, () => {
        const rand = seeded(batch * 1000 + rows * 10 + cols);
        const n = batch * rows * cols;
        const x = randomArray(Float32Array, n, rand) as Float32Array;
        const base = randomArray(Float32Array, n, rand) as Float32Array;
        const arena = new Arena();
        for (const accumulate of [false, true]) {
          const want = Float32Array.from(base);
          reference.kernels.transposeBatched(x, 0, want, 0, batch, rows, cols, accumulate);
          for (const inMem of [false, true]) {
            const out = inMem ? inKernelMemory(arena, base) : Float32Array.from(base);
            set.kernels.transposeBatched(inMem ? inKernelMemory(arena, x) : x, 0, out, 0, batch, rows, cols, accumulate);
            expect(bits(out)).toEqual(bits(want));
          }
        }
      });
    }
    for (const n of [0, 1, 15, 16, 17, 1000]) {
      it(`${set.name}: copyFloats of ${n} at offsets is exact (NaN payloads and −0 included)`, () => {
        const src = randomArray(Float32Array, n + 3, seeded(n)) as Float32Array;
        if (n > 1) {
          src[1] = -0;
          new Uint32Array(src.buffer)[2] = 0x7fc00123;
        }
        const dst = new Float32Array(n + 5).fill(9);
        set.kernels.copyFloats(src, 1, dst, 2, n);
        expect(bits(dst.subarray(2, 2 + n))).toEqual(bits(src.subarray(1, 1 + n)));
        expect(Array.from(dst.subarray(0, 2))).toEqual([9, 9]);
        expect(Array.from(dst.subarray(2 + n))).toEqual([9, 9, 9]);
      });
    }
  }
});
