/** What the attention-kernel timing scripts share: the kernel sets to compare and a min-of-N timer. */
import { createKernels, jsKernels, type Kernels } from "../../src/kernels/index.js";

/** The js reference and every WebAssembly set this Node can run. */
export function kernelSets(): [string, Kernels][] {
  const sets: [string, Kernels][] = [["js", jsKernels]];
  for (const name of ["wasm", "wasm-fma"] as const) {
    const k = createKernels(name);
    if (k) sets.push([name, k]);
  }
  return sets;
}

/** Fastest of `runs` calls, ms (the least disturbed by the other jobs of a shared machine). */
export function best(f: () => void, runs: number): number {
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return Math.min(...t);
}
