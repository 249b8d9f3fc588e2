/**
 * Timing of the sparse-normaliser kernels, js reference against the WebAssembly sets (not a
 * test; raw numbers in docs/bench-results/entmax-simd-2026-12-01.txt):
 *   npx tsx bench/kernels/entmaxKernels.ts
 * 256 rows × 64 columns (a batch of 4 heads × 64 queries over 64 keys), inputs uniform in
 * [−4, 4), in kernel memory; the minimum of 31 calls after JIT warm-up.
 */
import { best as bestOf, kernelSets } from "./kernelSets.js";
import { Arena } from "../../src/tensor/storage.js";

const rows = 256, cols = 64, RUNS = 31;
const sets = kernelSets();

const best = (f: () => void): number => bestOf(f, RUNS);

const arena = new Arena();
arena.run(() => {
  const x = arena.floats(rows * cols), out = arena.floats(rows * cols), dx = arena.floats(rows * cols), dy = arena.floats(rows * cols);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 8 - 4;
    dy[i] = (s % 1000) / 1000 - 0.5;
  }
  const keep = new Uint8Array(rows * cols);
  console.log(`${rows}×${cols}, min of ${RUNS} calls, ms`);
  for (const a of [1.3, 1.5, 1.7, 2, 2.5]) {
    const alpha = arena.floats(1), dA = arena.floats(1);
    alpha[0] = a;
    for (const [name, k] of sets) {
      const f = best(() => k.entmaxBisectRows(x, out, rows, cols, null, alpha, rows));
      const b = best(() => {
        k.entmaxBackwardRows(out, dy, dx, rows, cols, alpha, rows);
        k.entmaxAlphaBackwardRows(out, dy, dA, rows, cols, alpha, rows);
      });
      console.log(`α = ${a} ${name.padEnd(8)} entmaxBisectRows ${f.toFixed(3)}  entmaxBackwardRows + entmaxAlphaBackwardRows ${b.toFixed(3)}`);
    }
  }
  for (const [name, k] of sets) {
    const sp = best(() => k.sparsemaxRows(x, out, rows, cols, null));
    const e15 = best(() => k.entmax15Rows(x, out, rows, cols, null));
    const tk = best(() => k.topKMaskRows(x, null, keep, rows, cols, 8));
    console.log(`${name.padEnd(8)} sparsemaxRows ${sp.toFixed(3)}  entmax15Rows ${e15.toFixed(3)}  topKMaskRows(k = 8) ${tk.toFixed(3)}`);
  }
});
