/** The dropout mask kernel draws exactly the stream Rng.next() would, on every kernel set. */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/tensor/rng.js";
import { kernelMemory } from "../../../src/tensor/storage.js";
import { Arena, fastKernelSets, reference } from "../sets.js";

describe("dropoutMask", () => {
  for (const set of [reference, ...fastKernelSets()]) {
    for (const [n, p] of [[0, 0.5], [1, 0.5], [7, 0.1], [1000, 0.3], [4099, 0.9], [64, 0]] as const) {
      it(`${set.name}: n=${n}, p=${p} equals one Rng.next() per element, and leaves the generator where Rng would`, () => {
        const expected = new Rng(42).fork("dropout");
        const want = Uint8Array.from({ length: n }, () => (expected.next() < p ? 1 : 0));
        const rng = new Rng(42).fork("dropout");
        const words = new Uint32Array(4);
        rng.getWords(words);
        const arena = new Arena();
        for (const inMem of [false, true]) {
          const w = Uint32Array.from(words);
          const ptr = arena.allocBytes(n); // first: it may grow the memory (and so the buffer)
          const mask = inMem ? new Uint8Array(kernelMemory().buffer, ptr, n) : new Uint8Array(n);
          set.kernels.dropoutMask(w, mask, n, p);
          expect(Array.from(mask)).toEqual(Array.from(want));
          const after = new Rng(0);
          after.setWords(w);
          expect(after.getState().words).toEqual(expected.getState().words);
        }
      });
    }
  }
});
