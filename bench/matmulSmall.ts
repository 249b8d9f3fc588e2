/**
 * `npx tsx bench/matmulSmall.ts` — small and thin products (m×k×n): where the JS kernel's direct
 * loops beat its blocked (packed) path, and what the WebAssembly gemm does on the same shapes
 * (operands in kernel memory, as training tensors are). Prints GFLOP/s per layout; used to set
 * `useDirect` in src/kernels/js/matmul.ts and to check that the wasm gemm, which takes every
 * float32 product whatever its size (so a row's bits never depend on the shape), stays well
 * ahead of the JS kernel on small shapes too (its small-m path: see gemm.c).
 */
import { createKernels } from "../src/kernels/index.js";
import { matmul, matmulBlocked } from "../src/kernels/js/matmul.js";
import { matmulDirect } from "../src/kernels/js/matmulDirect.js";
import { Arena } from "../src/tensor/storage.js";
import { filled, table, time } from "./harness.js";

const shapes: [number, number, number][] = [
  [1, 256, 20], [1, 20, 256], [2, 256, 256], [3, 256, 256], [256, 256, 2], [4, 256, 20], [20, 256, 20],
  [20, 20, 256], [64, 4, 256], [64, 8, 256], [8, 8, 8], [10, 10, 10], [16, 16, 16], [32, 32, 32],
  [64, 64, 64], [1, 256, 768], [1, 512, 6786], [2, 256, 768], [4, 256, 768], [5, 256, 768], [8, 256, 768],
  [16, 256, 768], [64, 256, 16],
];
const layouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false], ["TT", true, true]];
const opts = { runs: 5, runMs: 40, warmupMs: 60 };

const wasm = createKernels("wasm");
const fma = createKernels("wasm-fma");
const arena = new Arena();
const gf = (flop: number, us: number) => (flop / us / 1000).toFixed(2);
const rows: string[][] = [];
for (const [m, k, n] of shapes) {
  const a = filled(m * k, 1), b = filled(k * n, 2), c = new Float32Array(m * n);
  const place = (x: Float32Array) => {
    const y = arena.floats(x.length);
    y.set(x);
    return y;
  };
  const am = place(a), bm = place(b), cm = place(c);
  const flop = 2 * m * k * n;
  const cells: string[] = [];
  for (const [, tA, tB] of layouts) {
    const d = time(() => matmulDirect(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    const p = time(() => matmulBlocked(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    const w = wasm ? gf(flop, time(() => wasm.matmul(am, 0, bm, 0, cm, 0, m, n, k, tA, tB, true), opts).medianUs) : "-";
    const f = fma ? gf(flop, time(() => fma.matmul(am, 0, bm, 0, cm, 0, m, n, k, tA, tB, true), opts).medianUs) : "-";
    cells.push(`${gf(flop, d.medianUs)} / ${gf(flop, p.medianUs)} / ${w} / ${f}`);
  }
  // Which path does the dispatcher take? Time it too: it should match the better of the two.
  const auto = time(() => matmul(a, 0, b, 0, c, 0, m, n, k, false, false, false), opts);
  rows.push([`${m}×${k}×${n}`, ...cells, gf(flop, auto.medianUs)]);
  arena.reset();
}
console.log("GFLOP/s, JS direct / JS blocked / wasm / wasm-fma (operands in kernel memory), per layout; last column: JS matmul (NN, dispatcher's choice)\n");
console.log(table(["m×k×n", ...layouts.map(([l]) => l), "matmul NN"], rows));
